import { type MessagePort, threadId } from "node:worker_threads";
import { type Analysis, analyzePage } from "./analyze.js";
import type { ExtractionRules } from "./extract.js";
import { createFetcher, type FetcherOptions, type FetchRequest, type HttpFetcher } from "./fetch.js";
import type { FetchFailure } from "./fetch-failure.js";

/**
 * One policy page fetched and read where it is read — the worker thread's side of read-pool.ts — with the
 * fetcher's every guard (fetch.ts, redirects.ts: the same-site redirect rule, the connection's own lookup
 * refusing non-public addresses, the size and time caps, the conditional GET). The body never leaves the
 * thread: what comes back is the fetch's status and validators and the page's analysis.
 */

export type PageReadRequest = FetchRequest & {
  readonly rules: ExtractionRules;
  /** The raw hash of the page last read: the same bytes are not read again. */
  readonly knownRawHash?: string | null;
  /** The text hash of the last readable version: the same words come back without the text. */
  readonly previousHash?: string | null;
};

export type PageRead =
  | { readonly kind: "not-modified" }
  | FetchFailure
  | {
      readonly kind: "read";
      readonly etag: string | null;
      readonly lastModified: string | null;
      readonly analysis: Analysis;
    };

/** Fetches and reads one page somewhere (a worker thread in production); failures are values. */
export type PageReader = (request: PageReadRequest) => Promise<PageRead>;

/** The fetch limits a worker applies; politeness (per-host limit, jitter) stays with the caller. */
export type WorkerFetchSettings = Pick<
  FetcherOptions,
  "connectTimeoutMs" | "totalTimeoutMs" | "maxBytes" | "maxRedirects" | "userAgent"
>;

export interface ReadTask {
  readonly request: PageReadRequest;
  readonly fetch: WorkerFetchSettings;
  /** Told this thread's id once the page is fetched: the time limit counts only the reading. */
  readonly progress: MessagePort;
}

/** One fetcher (and its connection pools) per set of limits, for the life of the thread. */
const fetchers = new Map<string, HttpFetcher>();

function fetcherFor(settings: WorkerFetchSettings): HttpFetcher {
  const key = JSON.stringify(settings);
  let fetcher = fetchers.get(key);
  if (!fetcher) {
    fetcher = createFetcher({ ...settings, jitterMaxMs: 0, perHostConcurrency: Number.POSITIVE_INFINITY });
    fetchers.set(key, fetcher);
  }
  return fetcher;
}

export async function readPage({ request, fetch, progress }: ReadTask): Promise<PageRead> {
  try {
    const { rules, knownRawHash, previousHash, ...fetchRequest } = request;
    const outcome = await fetcherFor(fetch)(fetchRequest);
    if (outcome.kind !== "page") return outcome;
    progress.postMessage(threadId);
    const analysis = analyzePage({
      body: outcome.body,
      contentType: outcome.contentType,
      rules,
      knownRawHash: knownRawHash ?? null,
      previousHash: previousHash ?? null,
    });
    return { kind: "read", etag: outcome.etag, lastModified: outcome.lastModified, analysis };
  } finally {
    progress.close();
  }
}
