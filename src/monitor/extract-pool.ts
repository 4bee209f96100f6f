import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { Analysis, AnalysisRequest, Analyzer, Compared, CompareRequest, Comparer } from "./analyze.js";
import {
  CHANGE_TOO_LARGE,
  type ChangeDiff,
  type ChangeDiffer,
  type ChangeDiffRequest,
  MAX_DIFF_CHARS,
} from "./change-diff.js";
import { PAGE_TOO_COMPLEX } from "./extract.js";
import { COLLATERAL_TRIES, renewingPool } from "./renewing-pool.js";

type DiffTask = ChangeDiffRequest & { readonly maxChars: number };
type Task = AnalysisRequest | CompareRequest | DiffTask;

/**
 * Policy pages are parsed, rendered and compared — and change pages' diffs computed — in a worker-thread
 * pool (piscina), never on the event loop that acknowledges Slack: a hostile page (40,000 sibling <main>s, 440,000 nested <div>s) once held that
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
  /** A change page's two versions together: past this they are not diffed ("too large to show"). */
  readonly maxDiffChars?: number;
  /** The worker module (default: the built extraction worker); tests name one that cannot start. */
  readonly workerUrl?: URL;
}

export interface ExtractionPool {
  readonly analyze: Analyzer;
  /** A changed page against its previous text (sent only when the words changed). */
  readonly compare: Comparer;
  /** A change page's diff, on the same threads and with the same time and heap limits as pages. */
  readonly diff: ChangeDiffer;
  close(): Promise<void>;
}

export const EXTRACTION_DEFAULTS = {
  timeLimitMs: 15_000,
  // One thread per spare core, at most two: the other core stays with the event loop.
  threads: Math.max(1, Math.min(2, availableParallelism() - 1)),
  maxHeapMb: 512,
  maxDiffChars: MAX_DIFF_CHARS,
} as const;

/**
 * The built worker next to this module (dist/), or — when this module runs from src/ under vitest — the
 * built copy in dist/. Missing both is a broken install: said plainly, with the fix.
 */
export function extractionWorkerUrl(from: string = import.meta.url): URL {
  return builtModuleUrl("extract-worker.js", "the page-extraction worker", from);
}

/** `file` beside the calling module in dist/, or dist/'s copy when the caller runs from src/. */
export function builtModuleUrl(file: string, what: string, from: string): URL {
  const candidates = [new URL(`./${file}`, from), new URL(`../../dist/monitor/${file}`, from)];
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (!found) {
    throw new Error(
      `${what} is missing (looked for ${candidates.map((u) => fileURLToPath(u)).join(" and ")}); run npm run build`,
    );
  }
  return found;
}

export function createExtractionPool(options: ExtractionPoolOptions = {}): ExtractionPool {
  const settings = { ...EXTRACTION_DEFAULTS, ...options };
  const pools = renewingPool(
    () =>
      new Piscina<Task, Analysis | Compared | ChangeDiff>({
        filename: (options.workerUrl ?? extractionWorkerUrl()).href,
        minThreads: 0,
        maxThreads: settings.threads,
        // Threads outlive one check's burst of pages, then exit; idle threads never keep the process alive.
        idleTimeout: 30_000,
        resourceLimits: { maxOldGenerationSizeMb: settings.maxHeapMb },
      }),
  );
  // Tasks wait here for a free thread, so the time limit counts the task's own work, not the queue.
  const slots = new Slots(settings.threads);

  /**
   * One task on a thread, within the time limit; a failure becomes `onFailure`'s typed value. A task its
   * retired pool failed (renewing-pool.ts) runs again, as a copy; unless its bytes had already moved to
   * one of that pool's threads, which leaves nothing here to send again.
   */
  const limited = <T>(task: Task, name: string, onFailure: (why: Failure) => T) =>
    slots.run(async (): Promise<T> => {
      const length = bytesOf(task)?.byteLength;
      for (let attempt = 0; attempt < COLLATERAL_TRIES; attempt += 1) {
        if (attempt > 0 && bytesOf(task)?.byteLength !== length)
          return onFailure({ kind: "error", detail: "the extraction worker stopped while it held the page" });
        const running = pools.current();
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), settings.timeLimitMs);
        try {
          const transferList = attempt === 0 ? transferable(task) : undefined;
          return (await running.run(task, {
            name,
            signal: controller.signal,
            ...(transferList ? { transferList } : {}),
          })) as T;
        } catch (err) {
          if (pools.isRetired(running) && !controller.signal.aborted) continue;
          return onFailure(failureOf(err, controller.signal.aborted, settings.timeLimitMs));
        } finally {
          clearTimeout(timer);
        }
      }
      return onFailure({ kind: "error", detail: "the extraction worker stopped repeatedly" });
    });

  const analyze: Analyzer = (request) =>
    limited<Analysis>(request, "default", (why) => ({ ok: false, reason: pageFailure(why) }));
  const diff: ChangeDiffer = (request) =>
    limited<ChangeDiff>({ ...request, maxChars: settings.maxDiffChars }, "diffChange", (why) => ({
      ok: false,
      reason: diffFailure(why),
    }));
  const compare: Comparer = (request) =>
    limited<Compared>(request, "compareTexts", (why) => ({ ok: false, reason: pageFailure(why) }));
  return { analyze, compare, diff, close: () => pools.destroy() };
}

/**
 * A fetched page's bytes move to the worker instead of being copied (a 5 MB structured clone on the event
 * loop). Only a buffer the bytes own whole is moved: a view into a shared pool buffer is copied as usual.
 */
const bytesOf = (task: Task) =>
  "body" in task ? task.body : "gzippedHtml" in task ? task.gzippedHtml : undefined;

function transferable(task: Task): ArrayBuffer[] | undefined {
  const bytes = bytesOf(task);
  if (!bytes || !(bytes.buffer instanceof ArrayBuffer)) return undefined;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.byteLength > 64 * 1024 ? [bytes.buffer] : undefined;
}

export type Failure =
  | { kind: "time"; limitMs: number }
  | { kind: "memory" }
  | { kind: "error"; detail: string };

export function failureOf(err: unknown, timedOut: boolean, limitMs: number): Failure {
  if (timedOut) return { kind: "time", limitMs };
  const error = err as Error & { code?: string };
  if (error.code === "ERR_WORKER_OUT_OF_MEMORY") return { kind: "memory" };
  return { kind: "error", detail: `${error.code ?? error.name}: ${error.message}` };
}

export function pageFailure(why: Failure): string {
  switch (why.kind) {
    case "time":
      return `${PAGE_TOO_COMPLEX} (not read within ${why.limitMs / 1000} s)`;
    case "memory":
      return `${PAGE_TOO_COMPLEX} (reading it ran out of memory)`;
    case "error":
      return `the page could not be read (${why.detail})`.slice(0, 200);
  }
}

function diffFailure(why: Failure): string {
  switch (why.kind) {
    case "time":
      return `${CHANGE_TOO_LARGE} (not compared within ${why.limitMs / 1000} s)`;
    case "memory":
      return `${CHANGE_TOO_LARGE} (comparing ran out of memory)`;
    case "error":
      return `the versions could not be compared (${why.detail})`.slice(0, 200);
  }
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
