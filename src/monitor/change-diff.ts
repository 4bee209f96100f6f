import { lineChangesWithin } from "./diff.js";
import { computeHighlights, type Highlight } from "./highlights.js";
import { type DiffRow, diffRows } from "./word-diff.js";

/**
 * The change page's diff of two stored versions — the line diff, the highlights and the paragraph/word
 * rows — as one pure function of plain data, run in the extraction worker pool (extract-pool.ts) like page
 * analysis: a first, uncached diff of two long, very different texts can take its whole time limit, and the
 * event loop that serves it also acknowledges Slack within 3 seconds
 * (https://api.slack.com/interactivity/handling#acknowledgment_response).
 */

export interface ChangeDiffRequest {
  readonly before: string;
  readonly after: string;
}

export type ChangeDiff =
  | { readonly ok: true; readonly highlights: Highlight[]; readonly rows: DiffRow[] }
  | { readonly ok: false; readonly reason: string };

/** Runs `diffChange` somewhere (the worker pool in production); every expected failure is `ok: false`. */
export type ChangeDiffer = (request: ChangeDiffRequest) => Promise<ChangeDiff>;

export const CHANGE_TOO_LARGE = "change too large to show as a diff";

/** Both versions together: past this the change is not diffed at all (a 500 KB document is 1 MB). */
export const MAX_DIFF_CHARS = 4_000_000;

export function diffChange(request: ChangeDiffRequest & { readonly maxChars?: number }): ChangeDiff {
  const { before, after, maxChars = MAX_DIFF_CHARS } = request;
  if (before.length + after.length > maxChars) {
    return { ok: false, reason: `${CHANGE_TOO_LARGE} (over ${maxChars.toLocaleString("en")} characters)` };
  }
  const changes = lineChangesWithin(before, after);
  if (!changes) return { ok: false, reason: `${CHANGE_TOO_LARGE} (the line diff ran out of time)` };
  return { ok: true, highlights: computeHighlights(before, after, changes), rows: diffRows(changes) };
}
