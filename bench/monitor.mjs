// Policy-monitor benchmark: our extractor vs Open Terms Archive's on the real snapshots, and a full
// conditional-request pass over 120 locally served documents. Each extractor runs in its own child
// process so that peak RSS is measured fairly. Run `npm run bench` (builds first) or, after a build,
// `node bench/monitor.mjs [sharedDir]`.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PRODUCTION_STORE } from "./lib.mjs";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, "..");
const DIST = join(ROOT, "dist");
const OTA_PACKAGE = join(BENCH_DIR, "node_modules", "@opentermsarchive", "engine");
/** Snapshots per fixture folder run through both extractors (OTA needs ~1 s for each large page). */
const SAMPLE_PER_FOLDER = 10;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (v) => `${v.toFixed(1)} ms`;
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;

function fixtureSteps(sharedDir) {
  const base = join(sharedDir, "fixtures", "policy-snapshots");
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((folder) => existsSync(join(base, folder, "expected.json")))
    .flatMap((folder) => {
      const expected = JSON.parse(readFileSync(join(base, folder, "expected.json"), "utf8"));
      return expected.steps.slice(0, SAMPLE_PER_FOLDER).map((step) => ({
        folder,
        file: join(base, folder, step.file),
        url: expected.url,
        select: expected.select,
        remove: expected.remove,
      }));
    });
}

// ---- child side: one extractor over every sampled snapshot, extraction + comparison with the previous ----

async function childRun(kind, sharedDir) {
  const steps = fixtureSteps(sharedDir);
  let extractAndCompare;
  if (kind === "ours") {
    const monitor = await import(pathToFileURL(join(DIST, "monitor", "index.js")).href);
    const { diffLinesWithContext, lineChanges } = await import(
      pathToFileURL(join(DIST, "monitor", "diff.js")).href
    );
    const previous = new Map();
    extractAndCompare = async (step, html, timing) => {
      const result = monitor.extractText(html, step);
      if (!result.ok) return "failed";
      const before = previous.get(step.folder);
      previous.set(step.folder, result);
      if (!before) return "new";
      if (before.hash === result.hash) return "unchanged";
      // What OTA does not do at all: the announcement's highlights and thread diff, timed apart.
      const started = performance.now();
      const changes = lineChanges(before.text, result.text);
      monitor.computeHighlights(before.text, result.text, changes);
      diffLinesWithContext(before.text, result.text, 1, changes);
      timing.announceMs = performance.now() - started;
      return "changed";
    };
  } else {
    const { default: extract } = await import(
      pathToFileURL(join(OTA_PACKAGE, "src/archivist/extract/index.js")).href
    );
    const { default: SourceDocument } = await import(
      pathToFileURL(join(OTA_PACKAGE, "src/archivist/services/sourceDocument.js")).href
    );
    const previous = new Map();
    extractAndCompare = async (step, html) => {
      let markdown;
      try {
        markdown = await extract(
          new SourceDocument({
            location: step.url,
            contentSelectors: step.select,
            insignificantContentSelectors: step.remove,
            filters: [],
            content: html,
            mimeType: "text/html",
          }),
        );
      } catch {
        return "failed";
      }
      const comparable = markdown.replace(/\]\([^)]*\)/g, "]").replace(/\s+/g, " ");
      const before = previous.get(step.folder);
      previous.set(step.folder, comparable);
      return before === undefined ? "new" : before === comparable ? "unchanged" : "changed";
    };
  }
  const timings = [];
  const statuses = [];
  const rssAfterImport = process.memoryUsage().rss;
  // Warm-up, untimed, for both extractors alike: the bot is a long-running process, so steady-state
  // per-document cost is what matters, not the JIT's first pass. Then fresh comparison state.
  const warmUp = [...new Map(steps.map((s) => [s.folder, s])).values()];
  for (const step of warmUp)
    await extractAndCompare({ ...step, folder: `warm-${step.folder}` }, readFileSync(step.file, "utf8"), {});
  for (const step of steps) {
    const html = readFileSync(step.file, "utf8");
    const timing = { folder: step.folder, bytes: Buffer.byteLength(html), announceMs: 0 };
    const started = performance.now();
    statuses.push(await extractAndCompare(step, html, timing));
    // The comparison decision alone, like for like with OTA; highlights and diff are reported separately.
    timing.ms = performance.now() - started - timing.announceMs;
    timings.push(timing);
  }
  const peakRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(
    JSON.stringify({ kind, timings, statuses, peakRssKb, rssAfterImportKb: rssAfterImport / 1024 }),
  );
}

function runChild(kind, sharedDir) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", kind, sharedDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code === 0) resolvePromise(JSON.parse(out));
      else
        reject(
          new Error(`${kind} extractor child exited with ${code}: ${err.split("\n").slice(0, 5).join(" ")}`),
        );
    });
  });
}

function ensureOta() {
  if (existsSync(OTA_PACKAGE)) return undefined;
  try {
    // Benchmark-only dependency, pinned by bench/package-lock.json; never part of the bot's install.
    execFileSync("npm", ["ci", "--prefix", BENCH_DIR, "--ignore-scripts", "--no-audit", "--no-fund"], {
      stdio: "ignore",
      env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: "1" },
      timeout: 600_000,
    });
    return existsSync(OTA_PACKAGE)
      ? undefined
      : "npm ci --prefix bench did not install @opentermsarchive/engine";
  } catch (error) {
    return `could not install @opentermsarchive/engine (npm ci --prefix bench): ${error.message.split("\n")[0]}`;
  }
}

// ---- parser choice: cheerio's default (parse5) vs cheerio/slim (htmlparser2), parse + select only ----

function parserComparison(sharedDir) {
  const require = createRequire(join(ROOT, "package.json"));
  const parsers = { parse5: require("cheerio").load, htmlparser2: require("cheerio/slim").load };
  const steps = fixtureSteps(sharedDir).filter((s) => !s.folder.startsWith("deepseek"));
  const pages = steps.map((s) => ({ html: readFileSync(s.file, "utf8"), select: s.select.join(",") }));
  const result = {};
  for (const [name, load] of Object.entries(parsers)) {
    for (const page of pages.slice(0, 2)) load(page.html)(page.select).text();
    const times = pages.map((page) => {
      const started = performance.now();
      load(page.html)(page.select).text();
      return performance.now() - started;
    });
    result[name] = percentile(times, 50);
  }
  return { ...result, pages: pages.length };
}

// ---- full pass: 120 documents on a loopback site, 90 % answering 304 ----

async function conditionalPass(sharedDir) {
  const { runPolicyCheck, createFetcher } = await import(
    pathToFileURL(join(DIST, "monitor", "index.js")).href
  );
  const { openSqliteStore } = await import(pathToFileURL(join(DIST, "store", "index.js")).href);
  const { makeCatalog } = await import(pathToFileURL(join(DIST, "catalog", "index.js")).href);
  const { ProviderSchema } = await import(pathToFileURL(join(DIST, "catalog", "schema.js")).href);
  const steps = fixtureSteps(sharedDir).filter(
    (s) => !s.folder.startsWith("mistral") || s.file.endsWith("0000.html"),
  );
  const pages = new Map();
  let bytesSent = 0;
  let notModified = 0;
  const server = createServer((req, res) => {
    const page = pages.get(req.url);
    if (!page) return res.writeHead(404).end();
    if (req.headers["if-none-match"] === page.etag) {
      notModified += 1;
      return res.writeHead(304, { etag: page.etag }).end();
    }
    bytesSent += page.body.length;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", etag: page.etag }).end(page.body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const documents = Array.from({ length: 120 }, (_, i) => {
    const step = steps[i % steps.length];
    pages.set(`/doc-${i}`, { body: readFileSync(step.file), etag: `"v1-${i}"` });
    return {
      id: `doc-${i}`,
      title: `Document ${i}`,
      url: `${base}/doc-${i}`,
      select: step.select,
      remove: step.remove,
    };
  });
  const catalog = makeCatalog([ProviderSchema.parse({ id: "bench", name: "Bench", documents })]);
  const store = openSqliteStore(":memory:", PRODUCTION_STORE);
  const fetcher = createFetcher({ jitterMaxMs: 0 });
  const firstStarted = performance.now();
  await runPolicyCheck({ store, catalog, now: new Date(), fetcher });
  const first = { wallMs: performance.now() - firstStarted, bytesSent };
  // Second pass: 12 documents (10 %) got new bytes, the other 108 answer 304.
  for (let i = 0; i < 120; i += 10) pages.get(`/doc-${i}`).etag = `"v2-${i}"`;
  bytesSent = 0;
  notModified = 0;
  const started = performance.now();
  const results = await runPolicyCheck({ store, catalog, now: new Date(), fetcher });
  const wallMs = performance.now() - started;
  await fetcher.close();
  await store.close();
  server.close();
  return { wallMs, bytesSent, notModified, documents: results.length, first };
}

// ---- report ----

export async function runMonitorBench({ sharedDir = resolve(ROOT, "..", "shared") } = {}) {
  const rows = [];
  const lines = ["Policy monitor"];
  if (!existsSync(join(DIST, "monitor", "index.js"))) {
    const text = "Policy monitor: dist/ is missing — run `npm run build` first.";
    return { rows: [{ metric: "monitor bench", value: null, note: text }], text };
  }
  if (fixtureSteps(sharedDir).length === 0) {
    const text = `Policy monitor: no fixtures at ${sharedDir}/fixtures/policy-snapshots — skipped.`;
    return { rows: [{ metric: "monitor bench", value: null, note: text }], text };
  }
  const ours = await runChild("ours", sharedDir);
  const otaProblem = ensureOta();
  let ota;
  let otaError = otaProblem;
  if (!otaProblem) {
    try {
      ota = await runChild("ota", sharedDir);
    } catch (error) {
      otaError = error.message;
    }
  }
  const folders = [...new Set(ours.timings.map((t) => t.folder))];
  lines.push(
    `  extraction + comparison per document (${ours.timings.length} real snapshots, p50 / p95, after one warm-up page per site):`,
  );
  for (const folder of [...folders, "all"]) {
    const pick = (run) => run.timings.filter((t) => folder === "all" || t.folder === folder).map((t) => t.ms);
    const size = percentile(
      ours.timings.filter((t) => folder === "all" || t.folder === folder).map((t) => t.bytes / 1024),
      50,
    );
    const o = pick(ours);
    const announce = ours.timings
      .filter((t) => (folder === "all" || t.folder === folder) && t.announceMs > 0)
      .map((t) => t.announceMs);
    const row = {
      metric: `extract+compare p50 ${folder}`,
      ours: percentile(o, 50),
      oursP95: percentile(o, 95),
      oursHighlightsAndDiffP50: announce.length ? percentile(announce, 50) : 0,
      pageKb: size,
    };
    let line = `    ${folder.padEnd(24)} ~${size.toFixed(0).padStart(3)} KB  ours ${ms(row.ours)} / ${ms(row.oursP95)}`;
    if (ota) {
      const t = pick(ota);
      Object.assign(row, {
        ota: percentile(t, 50),
        otaP95: percentile(t, 95),
        speedup: percentile(t, 50) / row.ours,
      });
      line += `   OTA ${ms(row.ota)} / ${ms(row.otaP95)}   ${row.speedup.toFixed(0)}× faster`;
    }
    rows.push(row);
    lines.push(line);
  }
  const memory = {
    metric: "peak RSS (own process)",
    ours: ours.peakRssKb,
    oursAfterImport: ours.rssAfterImportKb,
  };
  let memoryLine = `  peak RSS, each extractor in its own process: ours ${mb(ours.peakRssKb)} (${mb(ours.rssAfterImportKb)} after imports)`;
  if (ota) {
    Object.assign(memory, {
      ota: ota.peakRssKb,
      otaAfterImport: ota.rssAfterImportKb,
      ratio: ours.peakRssKb / ota.peakRssKb,
    });
    memoryLine += `, OTA ${mb(ota.peakRssKb)} (${mb(ota.rssAfterImportKb)} after imports); ours = ${(memory.ratio * 100).toFixed(0)} % of OTA's`;
    const agree = ours.statuses.filter((s, i) => s === ota.statuses[i]).length;
    lines.push(`  statuses agreeing with OTA's on the sample: ${agree}/${ours.statuses.length}`);
  }
  const announceAll = ours.timings.filter((t) => t.announceMs > 0).map((t) => t.announceMs);
  if (announceAll.length) {
    lines.push(
      `  ours, extra for each changed step (highlights + thread diff): p50 ${ms(percentile(announceAll, 50))}, max ${ms(Math.max(...announceAll))}`,
    );
  }
  rows.push(memory);
  lines.push(memoryLine);
  if (otaError) lines.push(`  OTA comparison unavailable: ${otaError}`);
  const parsers = parserComparison(sharedDir);
  rows.push({
    metric: "parse+select p50 (large pages)",
    parse5: parsers.parse5,
    htmlparser2: parsers.htmlparser2,
  });
  lines.push(
    `  parser, parse + select on the ${parsers.pages} large pages (p50): cheerio/parse5 ${ms(parsers.parse5)}, ` +
      `cheerio/slim (htmlparser2) ${ms(parsers.htmlparser2)} → htmlparser2 chosen`,
  );
  const pass = await conditionalPass(sharedDir);
  rows.push({
    metric: "120-document pass, 90 % 304",
    wallMs: pass.wallMs,
    bytes: pass.bytesSent,
    notModified: pass.notModified,
    firstPassWallMs: pass.first.wallMs,
    firstPassBytes: pass.first.bytesSent,
  });
  lines.push(
    `  full pass over ${pass.documents} local documents, ${pass.notModified} answering 304: ${ms(pass.wallMs)} wall, ` +
      `${(pass.bytesSent / 1024).toFixed(0)} KB downloaded (no jitter, 2 requests per host); ` +
      `first full pass: ${ms(pass.first.wallMs)}, ${(pass.first.bytesSent / 1024).toFixed(0)} KB`,
  );
  return { rows, text: lines.join("\n") };
}

if (process.argv[2] === "--child") {
  await childRun(process.argv[3], process.argv[4]);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runMonitorBench(process.argv[2] ? { sharedDir: resolve(process.argv[2]) } : {});
  console.log(text);
}
