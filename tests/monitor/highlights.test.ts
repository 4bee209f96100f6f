import { describe, expect, it } from "vitest";
import { detectEffectiveDate } from "../../src/monitor/effective-date.js";
import { computeHighlights, sentences, topicsOf } from "../../src/monitor/highlights.js";

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

  it("ignores sentences that only changed punctuation, case or cell layout", () => {
    const before = "Last updated: May 2, 2025.\nData | Chats ¶ Files";
    const after = "Last Updated: May 2, 2025\nData | Chats / Files";
    expect(computeHighlights(before, after)).toEqual([]);
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
