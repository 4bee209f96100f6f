import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { Analysis, Analyzer } from "./analyze.js";
import { EXTRACTION_DEFAULTS, extractionWorkerUrl, failureOf, pageFailure } from "./extract-pool.js";
import {
  FETCH_DEFAULTS,
  type Fetcher,
  type FetcherOptions,
  type FetchRequest,
  politeScheduler,
} from "./fetch.js";
import { fetchFailure } from "./fetch-failure.js";
import type { PageRead, PageReader, PageReadRequest, ReadTask } from "./read-page.js";
import { COLLATERAL_TRIES, renewingPool } from "./renewing-pool.js";

/**
 * A policy page is fetched *and* read in a worker thread: undici, the body, its decompression, hashing,
 * decoding, parsing and gzipping all stay off the event loop that acknowledges Slack within 3 seconds
 * (https://api.slack.com/interactivity/handling#acknowledgment_response). Only the small result comes back:
 * the status, the validators, the hashes, the stored copy (gzipped) and — only when the words changed —
 * the text. Measured before this: reading a hostile 5 MB body into the main heap, copying it for the
 * worker and collecting it afterwards held that loop for up to ~27 ms per page.
 *
 * Politeness (the per-host limit and the random pause) stays here, on the calling thread, so it holds
 * across threads. The worker thread runs several reads at once (most of a read is waiting on the
 * network); its CPU work is one page at a time, and each page's time limit starts when the worker says
 * it starts reading (a `MessagePort` note), not while it waits for the network or for another page.
 */

export type PageReaderOptions = Omit<FetcherOptions, "resolve"> & {
  /** Longest a page may take to read once fetched (parse, select, render, hash, gzip). */
  readonly timeLimitMs?: number;
  readonly threads?: number;
  readonly maxHeapMb?: number;
  /** Reads in flight on one worker thread. */
  readonly readsPerThread?: number;
  /** The worker module (default: the built extraction worker); tests name one that cannot start. */
  readonly workerUrl?: URL;
};

export interface PooledPageReader extends PageReader {
  close(): Promise<void>;
}

export const READS_PER_THREAD = 6;

export function createPageReader(options: PageReaderOptions = {}): PooledPageReader {
  const timeLimitMs = options.timeLimitMs ?? EXTRACTION_DEFAULTS.timeLimitMs;
  const pools = renewingPool(
    () =>
      new Piscina<ReadTask, PageRead>({
        filename: (options.workerUrl ?? extractionWorkerUrl()).href,
        minThreads: 0,
        maxThreads: options.threads ?? EXTRACTION_DEFAULTS.threads,
        concurrentTasksPerWorker: options.readsPerThread ?? READS_PER_THREAD,
        // Piscina's default ("sync") parks an idle worker in Atomics.wait, which also stops its event
        // loop: a thread waiting for its next task could not read the sockets of the reads it holds.
        atomics: "disabled",
        idleTimeout: 30_000,
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? EXTRACTION_DEFAULTS.maxHeapMb },
      }),
  );
  const politely = politeScheduler(options);
  const fetch = {
    connectTimeoutMs: options.connectTimeoutMs ?? FETCH_DEFAULTS.connectTimeoutMs,
    totalTimeoutMs: options.totalTimeoutMs ?? FETCH_DEFAULTS.totalTimeoutMs,
    maxBytes: options.maxBytes ?? FETCH_DEFAULTS.maxBytes,
    maxRedirects: options.maxRedirects ?? FETCH_DEFAULTS.maxRedirects,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  };

  /**
   * One read on a thread; `collateral` when the thread died for another page (it is then tried again).
   * No AbortSignal goes to piscina: it runs an abortable task alone on its thread, which would make the
   * reads queue behind one another. Past the time limit the thread is stopped instead (Worker.terminate),
   * which fails every read it holds; only the one it was reading is to blame.
   */
  const readOnce = async (request: PageReadRequest): Promise<PageRead | "collateral"> => {
    const running = pools.current();
    const { port1, port2 } = new MessageChannel();
    let reading = false;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    port1.on("message", (threadId: number) => {
      reading = true;
      timer = setTimeout(() => {
        timedOut = true;
        void running.threads.find((thread) => thread.threadId === threadId)?.terminate();
      }, timeLimitMs);
    });
    port1.unref();
    try {
      return await running.run(
        { request, fetch, progress: port2 },
        { name: "readPage", transferList: [port2] },
      );
    } catch (err) {
      const why = failureOf(err, timedOut, timeLimitMs);
      if (!reading || pools.isRetired(running)) return "collateral";
      return {
        kind: "read",
        etag: null,
        lastModified: null,
        analysis: { ok: false, reason: pageFailure(why) },
      };
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  };

  const reader: PageReader = (request) =>
    politely(request.url, async () => {
      // A read the dying thread held may be handed to that same thread again before the pool has seen it
      // exit (seen on Node 24), and a retired pool's fresh thread may die too: a few tries, never a loop.
      for (let attempt = 0; attempt < COLLATERAL_TRIES; attempt += 1) {
        const read = await readOnce(request);
        if (read !== "collateral") return read;
      }
      return fetchFailure("reader", "the page reader stopped repeatedly while fetching this page");
    });
  return Object.assign(reader, { close: () => pools.destroy() });
}

/** The same contract over an injected fetcher and analyzer (tests, the CLI's own limits), on this thread. */
export function readerOf(fetcher: Fetcher, analyze: Analyzer): PageReader {
  return async ({ rules, knownRawHash, previousHash, ...fetchRequest }) => {
    const outcome = await fetcher(fetchRequest satisfies FetchRequest);
    if (outcome.kind !== "page") return outcome;
    const analysis: Analysis = await analyze({
      body: outcome.body,
      contentType: outcome.contentType,
      rules,
      ...(knownRawHash !== undefined ? { knownRawHash } : {}),
      ...(previousHash !== undefined ? { previousHash } : {}),
    });
    return { kind: "read", etag: outcome.etag, lastModified: outcome.lastModified, analysis };
  };
}
