import { setPriority } from "node:os";
import { type Analysis, type AnalysisRequest, analyzePage } from "./analyze.js";

export { compareTexts } from "./analyze.js";

export { diffChange } from "./change-diff.js";

export { readPage } from "./read-page.js";

/** Well below the event loop (nice 0), not the lowest: a check still finishes on a busy machine. */
const WORKER_NICE = 15;

/**
 * Page reads yield the CPU to the event loop that acknowledges Slack: on Linux the nice value is per thread
 * (setpriority(2), "BUGS": under NPTL it is a per-thread attribute), so this lowers only this worker thread.
 * Only on Linux: elsewhere libuv applies it to the process. (Inside the bot's own process a niced thread
 * still spends the bot's CPU share, which is why policy fetches run in the page-reader process,
 * reader-process.ts.)
 */
if (process.platform === "linux") {
  try {
    setPriority(WORKER_NICE);
  } catch {
    // Lowering one's own priority needs no privilege; if it is refused anyway, reads just compete as before.
  }
}

/**
 * The worker-thread side of extract-pool.ts: piscina calls the default export with one request per page,
 * `compareTexts` (by name) with one changed page and its previous text, `diffChange` (by name) with one
 * request per change-page diff, and `readPage` (by name, read-pool.ts) to fetch and read one policy page.
 * Built to dist/monitor/extract-worker.js; tests running from src use that built file (npm test builds
 * before vitest runs), because a worker thread on Node 20 cannot load TypeScript.
 */
export default function analyzeInWorker(request: AnalysisRequest): Analysis {
  return analyzePage(request);
}
