import { describe, expect, it } from "vitest";
import { lineChanges } from "../../src/monitor/index.js";
import { diffRows } from "../../src/monitor/word-diff.js";

const rows = (before: string[], after: string[], context = 1) =>
  diffRows(lineChanges(before.join("\n"), after.join("\n")), context);

const same = (n: number) => Array.from({ length: n }, (_, i) => `Unchanged paragraph number ${i + 1}.`);

describe("change page diff", () => {
  it("marks the changed words of an edited paragraph inline", () => {
    const out = rows(["We keep chats for 30 days."], ["We keep chats for 5 years."]);
    expect(out).toHaveLength(1);
    const edited = out[0];
    if (edited?.kind !== "edited") throw new Error(`expected an edited row, got ${edited?.kind}`);
    const removed = edited.parts.filter((p) => p.change === "removed").map((p) => p.text.trim());
    const added = edited.parts.filter((p) => p.change === "added").map((p) => p.text.trim());
    expect(removed.join(" ")).toContain("30");
    expect(added.join(" ")).toContain("5");
    expect(
      edited.parts
        .filter((p) => p.change === "same")
        .map((p) => p.text)
        .join(""),
    ).toContain("We keep chats for");
  });

  it("shows a replaced paragraph that shares little as removed + added, and extra ones on their own", () => {
    const out = rows(
      ["Alpha beta gamma delta."],
      ["Completely different words here.", "A new second paragraph."],
    );
    expect(out.map((r) => r.kind)).toEqual(["removed", "added", "added"]);
  });

  it("folds unchanged runs except one paragraph of context on each side", () => {
    const before = [...same(10), "Old sentence about training.", ...same(10).map((s) => `${s} (end)`)];
    const after = [...same(10), "New sentence about training.", ...same(10).map((s) => `${s} (end)`)];
    const out = rows(before, after);
    expect(out.map((r) => r.kind)).toEqual(["folded", "same", "edited", "same", "folded"]);
    const first = out[0];
    expect(first?.kind === "folded" && first.texts).toHaveLength(9);
  });

  it("keeps every unchanged paragraph within the context width", () => {
    const out = rows(["a.", "b.", "c."], ["a.", "B changed.", "c."], 5);
    expect(out.some((r) => r.kind === "folded")).toBe(false);
  });

  it("gives up the word diff for a huge paragraph and shows it whole", () => {
    const huge = "word ".repeat(5_000).trim();
    const out = rows([huge], [`${huge} more`]);
    expect(out.map((r) => r.kind)).toEqual(["removed", "added"]);
  });
});
