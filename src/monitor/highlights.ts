import type { ChangeObject } from "diff";
import { lineChanges } from "./diff.js";

/**
 * What changed, in sentences a reader cares about: added and removed sentences that mention training,
 * opt-outs, retention periods, effective dates, deadlines, human review, sharing or age limits come first.
 */

export type HighlightTopic =
  | "training"
  | "opt-out"
  | "retention"
  | "effective-date"
  | "deadline"
  | "human-review"
  | "sharing"
  | "age";

export interface Highlight {
  readonly change: "added" | "removed";
  readonly text: string;
  readonly topics: readonly HighlightTopic[];
}

const MONTH_NAME =
  "(?:January|February|March|April|May|June|July|August|September|October|November|December)";

/** In priority order: the first topics are what people subscribed for. */
const TOPICS: ReadonlyArray<readonly [HighlightTopic, RegExp]> = [
  [
    "training",
    /\b(?:train(?:s|ed|ing)?|model (?:improvement|development)|improve (?:our|the) (?:models?|ai)|machine learning|fine-?tun\w*)\b/i,
  ],
  [
    "opt-out",
    /\b(?:opt(?:-|\s)?(?:out|in)|turn(?:ed)? off|switch(?:ed)? off|withdraw (?:your |their )?consent|privacy settings?|data controls?)\b/i,
  ],
  [
    "retention",
    /\b(?:retain\w*|retention|delet(?:e|es|ed|ion)|store[sd]? (?:it |them |your \w+ )?for|\d+\s*(?:days?|weeks?|months?|years?))\b/i,
  ],
  [
    "human-review",
    /\b(?:human (?:review\w*|annotat\w*|trainers?)|reviewed by (?:humans|people|our (?:staff|team))|manual review)\b/i,
  ],
  [
    "effective-date",
    /\b(?:effective (?:date|as of|from|on)|takes? effect|last (?:updated|modified|revised))\b/i,
  ],
  [
    "deadline",
    new RegExp(
      `\\b(?:deadline|no later than|(?:by|before|until|starting|from) (?:\\d{1,2} )?${MONTH_NAME})\\b`,
      "i",
    ),
  ],
  [
    "sharing",
    /\b(?:shar(?:e|es|ed|ing)|disclos\w+|sell|sold|third[- ]part(?:y|ies)|affiliates?|advertis\w+)\b/i,
  ],
  ["age", /\b(?:age[ds]?|years? old|minors?|child(?:ren)?|teen\w*|under (?:13|16|18)|parental)\b/i],
];

export const MAX_HIGHLIGHTS = 20;

export function topicsOf(sentence: string): HighlightTopic[] {
  return TOPICS.filter(([, pattern]) => pattern.test(sentence)).map(([topic]) => topic);
}

/** Splits a line into sentences and strips list, heading and table markers so quotes read as prose. */
export function sentences(line: string): string[] {
  const prose = line
    .replace(/^\s*(?:#{1,6}|[-*]|\d+\.)\s+/, "")
    .replace(/\s+/g, " ")
    .trim();
  return prose
    .split(/(?<=[.!?;])\s+(?=["“‘([]?[\p{Lu}\d])|\s[|¶/]\s/u)
    .map((s) => s.trim())
    .filter((s) => /\p{L}/u.test(s));
}

/**
 * The sentences added or removed between two texts, in document order: a sentence on both sides only moved
 * or sat next to an edit, and is not news. Compared without case and punctuation: "Last updated: May 2." →
 * "Last updated: May 2" is not news either. Empty when only layout or order changed.
 */
export function changedSentences(
  changes: readonly ChangeObject<string>[],
): Array<{ change: "added" | "removed"; text: string }> {
  // Document order, each hunk's removed sentences before its added ones, so "30 days" sits next to "5 years".
  const changed: Array<{ change: "added" | "removed"; text: string }> = [];
  for (const part of changes) {
    if (!part.added && !part.removed) continue;
    const change = part.added ? "added" : "removed";
    for (const text of part.value.split("\n").flatMap(sentences)) changed.push({ change, text });
  }
  const removedSet = new Set(changed.filter((c) => c.change === "removed").map((c) => wordsOnly(c.text)));
  const addedSet = new Set(changed.filter((c) => c.change === "added").map((c) => wordsOnly(c.text)));
  return changed.filter((c) => !(c.change === "removed" ? addedSet : removedSet).has(wordsOnly(c.text)));
}

/**
 * The sentences a reader sees differently: like `changedSentences`, but compared exactly as shown (case,
 * punctuation, an ordered list's visible number), with only the renderer's own marks — heading "#"s, "-"
 * bullets, indentation, white space — set aside. Empty means only layout changed (a paragraph moved into a
 * list item, a heading restyled as bold text, blank lines): that is not a change (issue 8, item 13).
 */
export function visiblyChangedSentences(
  changes: readonly ChangeObject<string>[],
): Array<{ change: "added" | "removed"; text: string }> {
  const changed: Array<{ change: "added" | "removed"; text: string; key: string }> = [];
  for (const part of changes) {
    if (!part.added && !part.removed) continue;
    const change = part.added ? "added" : "removed";
    for (const line of part.value.split("\n")) {
      const visible = line
        .replace(/^\s*(?:#{1,6}|-)\s+/, "")
        .replace(/\s+/g, " ")
        .trim();
      if (!/[\p{L}\p{N}]/u.test(visible)) continue;
      // Split at sentences and table cells only: " ¶ " and " / " inside a cell are its visible paragraph
      // and line breaks, and the reference archive counts a cell reflowed from one to the other.
      for (const text of visible.split(/(?<=[.!?;])\s+(?=["“‘([]?[\p{Lu}\d])|\s\|\s/u)) {
        changed.push({ change, text: text.trim(), key: text.trim() });
      }
    }
  }
  const removed = new Set(changed.filter((c) => c.change === "removed").map((c) => c.key));
  const added = new Set(changed.filter((c) => c.change === "added").map((c) => c.key));
  return changed
    .filter((c) => !(c.change === "removed" ? added : removed).has(c.key))
    .map(({ change, text }) => ({ change, text }));
}

/** `changes` may be passed when the caller already diffed the two texts (the diff is the costly part). */
export function computeHighlights(
  before: string,
  after: string,
  changes: readonly ChangeObject<string>[] = lineChanges(before, after),
): Highlight[] {
  // Sentences that differ only in case or punctuation are not news, unless nothing else differs: a
  // `changed` result always shows at least one sentence that reads differently.
  const lenient = changedSentences(changes);
  const chosen = lenient.length > 0 ? lenient : visiblyChangedSentences(changes);
  const candidates = chosen.map((c, order) => ({ ...c, topics: topicsOf(c.text), order }));
  const rank = (h: Highlight) =>
    h.topics.length === 0
      ? TOPICS.length
      : Math.min(...h.topics.map((t) => TOPICS.findIndex(([topic]) => topic === t)));
  return dedupe(candidates)
    .sort((a, b) => rank(a) - rank(b) || a.order - b.order)
    .slice(0, MAX_HIGHLIGHTS)
    .map(({ change, text, topics }) => ({ change, text, topics }));
}

const wordsOnly = (sentence: string) =>
  sentence
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

function dedupe<T extends Highlight>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((h) => {
    const key = `${h.change}:${h.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
