import { type ChangeObject, createTwoFilesPatch, diffLines } from "diff";

/** Line-level diff of two extracted texts; each line of the extracted text is one paragraph, item or row. */

export interface DiffLine {
  readonly change: "added" | "removed" | "context";
  readonly text: string;
}

/** A diff of two very different long texts can take long; past this the whole text counts as replaced. */
const DIFF_TIMEOUT_MS = 1_500;

/** The line diff, or undefined when it did not finish within its time limit. */
export function lineChangesWithin(before: string, after: string): ChangeObject<string>[] | undefined {
  return diffLines(`${before}\n`, `${after}\n`, { timeout: DIFF_TIMEOUT_MS });
}

export function lineChanges(before: string, after: string): ChangeObject<string>[] {
  const changes = lineChangesWithin(before, after);
  if (changes) return changes;
  return [
    { value: `${before}\n`, added: false, removed: true, count: before.split("\n").length },
    { value: `${after}\n`, added: true, removed: false, count: after.split("\n").length },
  ];
}

const splitLines = (value: string) => value.replace(/\n$/, "").split("\n");

/**
 * Changed lines with `context` unchanged lines around each change; blank lines are dropped and a gap
 * between hunks is shown as one "…" context line.
 */
export function diffLinesWithContext(
  before: string,
  after: string,
  context = 1,
  changes: readonly ChangeObject<string>[] = lineChanges(before, after),
): DiffLine[] {
  const all: DiffLine[] = [];
  for (const part of changes) {
    const change = part.added ? "added" : part.removed ? "removed" : "context";
    for (const text of splitLines(part.value)) if (text.trim()) all.push({ change, text });
  }
  const keep = new Array<boolean>(all.length).fill(false);
  all.forEach((line, i) => {
    if (line.change === "context") return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) keep[j] = true;
  });
  const out: DiffLine[] = [];
  let skipped = false;
  all.forEach((line, i) => {
    if (!keep[i]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push({ change: "context", text: "…" });
    skipped = false;
    out.push(line);
  });
  return out;
}

/** A standard unified diff, for the command line and for tools that read patches. */
export function unifiedDiff(
  before: { label: string; text: string },
  after: { label: string; text: string },
  context = 2,
): string {
  return createTwoFilesPatch(before.label, after.label, `${before.text}\n`, `${after.text}\n`, "", "", {
    context,
  });
}
