import type { ChangeObject } from "diff";
import { lineChanges } from "./diff.js";
import { detectEffectiveDate } from "./effective-date.js";
import { type ExtractionRules, extractText } from "./extract.js";
import { computeHighlights, type Highlight, visiblyChangedSentences } from "./highlights.js";

/**
 * Everything CPU-heavy a policy check does with one page — parse, select, render, compare — as one pure
 * function of plain data, so that it can run in a worker thread (extract-pool.ts) and never on the event
 * loop that acknowledges Slack.
 */

export interface AnalysisRequest {
  readonly html: string;
  readonly rules: ExtractionRules;
  /** The last readable version, to compare with; absent for a baseline or a re-extraction. */
  readonly previous?: { readonly text: string; readonly hash: string };
}

export interface Comparison {
  /** The line diff between the previous text and this one. */
  readonly changes: ChangeObject<string>[];
  readonly highlights: Highlight[];
  /**
   * At least one sentence was added or removed. False when only layout or order moved: the check then
   * reports `unchanged`, because nothing reads differently (issue 8, item 13).
   */
  readonly readable: boolean;
}

export type Analysis =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly text: string;
      readonly hash: string;
      readonly effectiveDate: string | undefined;
      readonly comparison: Comparison | undefined;
    };

/** Runs `analyzePage` somewhere (a worker pool in production); expected failures are `ok: false`. */
export type Analyzer = (request: AnalysisRequest) => Promise<Analysis>;

export function analyzePage(request: AnalysisRequest): Analysis {
  const extraction = extractText(request.html, request.rules);
  if (!extraction.ok) return extraction;
  const effectiveDate = detectEffectiveDate(extraction.text);
  let comparison: Comparison | undefined;
  const previous = request.previous;
  // The same visible words: nothing to compare (the common case, most checks).
  if (previous && previous.hash !== extraction.hash) {
    const changes = lineChanges(previous.text, extraction.text);
    comparison = {
      changes,
      highlights: computeHighlights(previous.text, extraction.text, changes),
      readable: visiblyChangedSentences(changes).length > 0,
    };
  }
  return { ok: true, text: extraction.text, hash: extraction.hash, effectiveDate, comparison };
}
