import { describe, expect, it } from "vitest";
import { lineChanges } from "../../src/monitor/diff.js";
import { detectEffectiveDate } from "../../src/monitor/effective-date.js";
import {
  computeHighlights,
  sentences,
  topicsOf,
  visiblyChangedSentences,
} from "../../src/monitor/highlights.js";

describe("computeHighlights", () => {
  it("quotes the removed and added sentences, pairing a retention change", () => {
    const before = "# Retention\nWe keep chats for 30 days. You can export them.\nWe never sell data.";
    const after = "# Retention\nWe keep chats for 5 years. You can export them.\nWe never sell data.";
    expect(computeHighlights(before, after)).toEqual([
      { change: "removed", text: "We keep chats for 30 days.", topics: ["retention"] },
      { change: "added", text: "We keep chats for 5 years.", topics: ["retention"] },
    ]);
  });

  it("ranks training and opt-out sentences before unrelated edits", () => {
    const before = "Welcome to our site.\nOld greeting line here.";
    const after =
      "Welcome to our site!\nOld greeting line here.\nWe may use your chats to train our models unless you opt out.";
    const [first] = computeHighlights(before, after);
    expect(first).toMatchObject({ change: "added", topics: ["training", "opt-out"] });
  });

  it("recognises every topic people subscribe for", () => {
    expect(topicsOf("Conversations may be reviewed by humans on our trust team.")).toContain("human-review");
    expect(topicsOf("We share data with our affiliates.")).toContain("sharing");
    expect(topicsOf("You must be 18 years old; children under 13 may not use it.")).toContain("age");
    expect(topicsOf("This policy takes effect on 1 October 2025.")).toContain("effective-date");
    expect(topicsOf("Opt out no later than September 28.")).toEqual(
      expect.arrayContaining(["opt-out", "deadline"]),
    );
  });

  it("ranks real edits over sentences that only changed punctuation, case or cell layout", () => {
    const before = "Last updated: May 2, 2025.\nData | Chats ¶ Files\nWe keep chats for 30 days.";
    const after = "Last Updated: May 2, 2025\nData | Chats / Files\nWe keep chats for 5 years.";
    expect(computeHighlights(before, after).map((h) => h.text)).toEqual([
      "We keep chats for 30 days.",
      "We keep chats for 5 years.",
    ]);
  });

  it("shows what reads differently when only punctuation, case or cell breaks changed (never a bare 'changed')", () => {
    const before = "Last updated: May 2, 2025.\nData | Chats ¶ Files";
    const after = "Last Updated: May 2, 2025\nData | Chats / Files";
    expect(computeHighlights(before, after).map((h) => `${h.change} ${h.text}`)).toEqual([
      "removed Last updated: May 2, 2025.",
      "added Last Updated: May 2, 2025",
      "removed Chats ¶ Files",
      "added Chats / Files",
    ]);
  });

  it("finds no visible sentence change when only the renderer's layout marks moved", () => {
    const before = "## Your choices\nOpt out in Settings.\n\nDelete chats.";
    const after = "Your choices\n- Opt out in Settings.\n- Delete chats.";
    expect(visiblyChangedSentences(lineChanges(before, after))).toEqual([]);
    expect(visiblyChangedSentences(lineChanges("1. Opt out.", "- Opt out."))).toEqual([
      { change: "removed", text: "1." },
    ]);
  });

  it("splits lines into sentences without list or table markers", () => {
    expect(sentences("- First item. Second one")).toEqual(["First item.", "Second one"]);
    expect(sentences("Data | Kept for 30 days")).toEqual(["Data", "Kept for 30 days"]);
  });
});

describe("detectEffectiveDate", () => {
  it.each([
    ["Effective date: March 5, 2025", "2025-03-05"],
    ["This policy is effective as of 1st October 2025.", "2025-10-01"],
    ["Last updated: 2025-07-04", "2025-07-04"],
    ["Last Update:  July 4, 2025 ", "2025-07-04"],
    ["Updated Sept. 9, 2024 and effective from 12 Jan 2025", "2025-01-12"],
  ])("%s → %s", (text, iso) => {
    expect(detectEffectiveDate(text)).toBe(iso);
  });

  it("returns undefined without a stated date or for an impossible one", () => {
    expect(detectEffectiveDate("We update this policy from time to time.")).toBeUndefined();
    expect(detectEffectiveDate("Effective date: February 30, 2025")).toBeUndefined();
  });
});
