import { type Analysis, type AnalysisRequest, analyzePage } from "./analyze.js";

export { diffChange } from "./change-diff.js";

/**
 * The worker-thread side of extract-pool.ts: piscina calls the default export with one request per page,
 * and `diffChange` (by name) with one request per change-page diff.
 * Built to dist/monitor/extract-worker.js; tests running from src use that built file (npm test builds
 * before vitest runs), because a worker thread on Node 20 cannot load TypeScript.
 */
export default function analyzeInWorker(request: AnalysisRequest): Analysis {
  return analyzePage(request);
}
