/**
 * The policy-change monitor's public surface: the scheduler calls `runPolicyCheck`, the CLI prints with
 * the report helpers, `list` and answers read `needsReview`.
 */

export { type Analysis, type AnalysisRequest, type Analyzer, analyzePage } from "./analyze.js";
export {
  CHANGE_TOO_LARGE,
  type ChangeDiff,
  type ChangeDiffer,
  type ChangeDiffRequest,
  diffChange,
  MAX_DIFF_CHARS,
} from "./change-diff.js";
export {
  type CheckResult,
  DEFAULT_FAILURE_THRESHOLD,
  type PolicyCheckOptions,
  runPolicyCheck,
} from "./check.js";
export { lineChanges } from "./diff.js";
export { detectEffectiveDate } from "./effective-date.js";
export {
  type Extraction,
  type ExtractionRules,
  extractText,
  MAX_DEPTH,
  MAX_ELEMENTS,
  MAX_TEXT_CHARS,
  PAGE_TOO_COMPLEX,
  textHash,
} from "./extract.js";
export {
  createExtractionPool,
  EXTRACTION_DEFAULTS,
  type ExtractionPool,
  type ExtractionPoolOptions,
  extractionWorkerUrl,
  sharedExtractionPool,
} from "./extract-pool.js";
export {
  createFetcher,
  DEFAULT_USER_AGENT,
  FETCH_DEFAULTS,
  type Fetcher,
  type FetcherOptions,
  type FetchOutcome,
  type FetchRequest,
  type HttpFetcher,
} from "./fetch.js";
export {
  type FetchFailure,
  type FetchFailureCause,
  fetchFailure,
  httpFailure,
  networkCause,
} from "./fetch-failure.js";
export { computeHighlights, type Highlight, type HighlightTopic } from "./highlights.js";
export { CHECK_JITTER_SHARE, checkJitterBoundMs, DEFAULT_CHECK_JITTER_MS, jitterMs } from "./jitter.js";
export {
  brokenLinkProviders,
  type LinkCheckOptions,
  type LinkCheckResult,
  runLinkCheck,
} from "./link-check.js";
export { createLinkProbe, type LinkProbe, type LinkVerdict, linksOf } from "./links.js";
export { ACTION_OPEN_CHANGE, ACTION_OPEN_DOCUMENT, ACTION_SHOW_STEPS } from "./messages.js";
export type { PageRead, PageReader, PageReadRequest } from "./read-page.js";
export {
  createPageReader,
  type PageReaderOptions,
  type PooledPageReader,
  READS_PER_THREAD,
} from "./read-pool.js";
export {
  createPageReaderProcess,
  type PageReaderProcess,
  type PageReaderProcessOptions,
  sharedPageReader,
} from "./reader-process.js";
export { readerLaunchPrefix } from "./reader-scheduling.js";
export { messageKeys } from "./record.js";
export {
  clearNeedsReview,
  type DocumentHistory,
  documentDiff,
  documentHistory,
  formatCheckJson,
  formatCheckLine,
  formatHistory,
  MonitorLookupError,
  needsReview,
} from "./report.js";
export { type DiffRow, diffRows, type WordPart } from "./word-diff.js";
