import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { Analysis, AnalysisRequest, Analyzer } from "./analyze.js";
import { PAGE_TOO_COMPLEX } from "./extract.js";

/**
 * Policy pages are parsed, rendered and compared in a worker-thread pool (piscina), never on the event loop
 * that acknowledges Slack: a hostile page (40,000 sibling <main>s, 440,000 nested <div>s) once held that
 * loop for seconds to minutes, and Slack wants every request acknowledged within 3 seconds
 * (https://api.slack.com/interactivity/handling#acknowledgment_response). Each page gets a time limit and
 * a heap limit; a page that exceeds either is a typed failure ("page too complex"), never a change.
 */

export interface ExtractionPoolOptions {
  /** Longest a page may take from the moment a thread starts on it. */
  readonly timeLimitMs?: number;
  readonly threads?: number;
  /** Heap of each worker thread (MB); an out-of-memory page fails, the bot keeps running. */
  readonly maxHeapMb?: number;
}

export interface ExtractionPool {
  readonly analyze: Analyzer;
  close(): Promise<void>;
}

export const EXTRACTION_DEFAULTS = {
  timeLimitMs: 15_000,
  // One thread per spare core, at most two: the other core stays with the event loop.
  threads: Math.max(1, Math.min(2, availableParallelism() - 1)),
  maxHeapMb: 512,
} as const;

/**
 * The built worker next to this module (dist/), or — when this module runs from src/ under vitest — the
 * built copy in dist/. Missing both is a broken install: said plainly, with the fix.
 */
export function extractionWorkerUrl(from: string = import.meta.url): URL {
  const candidates = [
    new URL("./extract-worker.js", from),
    new URL("../../dist/monitor/extract-worker.js", from),
  ];
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (!found) {
    throw new Error(
      `the page-extraction worker is missing (looked for ${candidates.map((u) => fileURLToPath(u)).join(" and ")}); run npm run build`,
    );
  }
  return found;
}

export function createExtractionPool(options: ExtractionPoolOptions = {}): ExtractionPool {
  const settings = { ...EXTRACTION_DEFAULTS, ...options };
  const pool = new Piscina<AnalysisRequest, Analysis>({
    filename: extractionWorkerUrl().href,
    minThreads: 0,
    maxThreads: settings.threads,
    // Threads outlive one check's burst of pages, then exit; idle threads never keep the process alive.
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: settings.maxHeapMb },
  });
  // Pages wait here for a free thread, so the time limit counts the page's own work, not the queue.
  const slots = new Slots(settings.threads);

  const analyze: Analyzer = (request) =>
    slots.run(async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), settings.timeLimitMs);
      try {
        return await pool.run(request, { signal: controller.signal });
      } catch (err) {
        return failure(err, controller.signal.aborted, settings.timeLimitMs);
      } finally {
        clearTimeout(timer);
      }
    });
  return { analyze, close: () => pool.destroy() };
}

function failure(err: unknown, timedOut: boolean, limitMs: number): Analysis {
  if (timedOut) {
    return { ok: false, reason: `${PAGE_TOO_COMPLEX} (not read within ${limitMs / 1000} s)` };
  }
  const error = err as Error & { code?: string };
  if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return { ok: false, reason: `${PAGE_TOO_COMPLEX} (reading it ran out of memory)` };
  }
  return {
    ok: false,
    reason: `the page could not be read (${error.code ?? error.name}: ${error.message})`.slice(0, 200),
  };
}

let shared: ExtractionPool | undefined;

/** The process-wide pool every policy check uses unless it is handed its own analyzer. */
export function sharedExtractionPool(): ExtractionPool {
  shared ??= createExtractionPool();
  return shared;
}

/** At most `limit` tasks at once, the rest in arrival order. */
class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
