import { gunzipSync, gzipSync } from "node:zlib";
import type { ChangeObject } from "diff";
import { decodeHtml } from "./charset.js";
import { lineChanges } from "./diff.js";
import { detectEffectiveDate } from "./effective-date.js";
import { type ExtractionRules, extractText, sha256 } from "./extract.js";
import { computeHighlights, type Highlight, visiblyChangedSentences } from "./highlights.js";

/**
 * Everything CPU-heavy a policy check does with one page — hash and decode the fetched bytes, parse,
 * select, render, compare, and gzip the page for the store — as one pure function of plain data, so that
 * it can run in a worker thread (extract-pool.ts) and never on the event loop that acknowledges Slack.
 * Measured on a 5 MB page, hashing, decoding and gzipping alone held that loop for 40–60 ms.
 */

/**
 * The page to read: the bytes as fetched (hashed and decoded here; transferred to the worker, not copied),
 * the gzipped copy the store keeps, or HTML already in hand.
 */
export type PageSource =
  | { readonly body: Uint8Array; readonly contentType?: string | undefined }
  | { readonly gzippedHtml: Uint8Array }
  | { readonly html: string };

export type AnalysisRequest = PageSource & {
  readonly rules: ExtractionRules;
  /** The raw hash of the page last read: when fetched bytes hash the same, nothing is extracted. */
  readonly knownRawHash?: string | null;
  /**
   * The text hash of the last readable version: the same visible words come back without the text (a
   * 5 MB string not copied back to the event loop). A change is then compared with `compareTexts`.
   */
  readonly previousHash?: string | null;
  /** The last readable version, to compare with; absent for a baseline or a re-extraction. */
  readonly previous?: { readonly text: string; readonly hash: string };
};

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

/** A fetched page as the store keeps it: the hash of its bytes, and its decoded HTML gzipped. */
export interface RawCopy {
  readonly rawHash: string;
  readonly gzippedHtml: Uint8Array;
}

export type Analysis =
  | { readonly ok: false; readonly reason: string; readonly raw?: RawCopy }
  /** The fetched bytes hash to `knownRawHash`: the same page as last time, not read again. */
  | { readonly ok: true; readonly sameBytes: true; readonly rawHash: string }
  /** The text hashes to `previousHash`: the same visible words as the last readable version. */
  | {
      readonly ok: true;
      readonly sameBytes?: false;
      readonly sameWords: true;
      readonly hash: string;
      readonly raw?: RawCopy;
    }
  | {
      readonly ok: true;
      readonly sameBytes?: false;
      readonly sameWords?: false;
      /** Present when the request carried fetched bytes. */
      readonly raw?: RawCopy;
      readonly text: string;
      readonly hash: string;
      readonly effectiveDate: string | undefined;
      readonly comparison: Comparison | undefined;
    };

/** Runs `analyzePage` somewhere (a worker pool in production); expected failures are `ok: false`. */
export type Analyzer = (request: AnalysisRequest) => Promise<Analysis>;

export interface CompareRequest {
  readonly previous: string;
  readonly text: string;
}

export type Compared =
  | { readonly ok: true; readonly comparison: Comparison }
  | { readonly ok: false; readonly reason: string };

/** Runs `compareTexts` somewhere (the worker pool in production). */
export type Comparer = (request: CompareRequest) => Promise<Compared>;

/** The line diff, highlights and readability of a change from `previous` to `text`. */
export function compareTexts(request: CompareRequest): Compared {
  return { ok: true, comparison: compare(request.previous, request.text) };
}

function compare(previous: string, text: string): Comparison {
  const changes = lineChanges(previous, text);
  return {
    changes,
    highlights: computeHighlights(previous, text, changes),
    readable: visiblyChangedSentences(changes).length > 0,
  };
}

export function analyzePage(request: AnalysisRequest): Analysis {
  let html: string;
  let raw: RawCopy | undefined;
  if ("body" in request) {
    const rawHash = sha256(request.body);
    if (rawHash === request.knownRawHash) return { ok: true, sameBytes: true, rawHash };
    html = decodeHtml(request.body, request.contentType);
    raw = { rawHash, gzippedHtml: gzipSync(html) };
  } else if ("gzippedHtml" in request) {
    html = gunzipSync(request.gzippedHtml).toString("utf8");
  } else {
    html = request.html;
  }
  const extraction = extractText(html, request.rules);
  if (!extraction.ok) return raw ? { ...extraction, raw } : extraction;
  // The same visible words: nothing to compare or send back (the common case, most checks).
  if (request.previousHash != null && request.previousHash === extraction.hash) {
    return { ok: true, sameWords: true, hash: extraction.hash, ...(raw ? { raw } : {}) };
  }
  const effectiveDate = detectEffectiveDate(extraction.text);
  const previous = request.previous;
  const comparison =
    previous && previous.hash !== extraction.hash ? compare(previous.text, extraction.text) : undefined;
  return {
    ok: true,
    text: extraction.text,
    hash: extraction.hash,
    effectiveDate,
    comparison,
    ...(raw ? { raw } : {}),
  };
}
