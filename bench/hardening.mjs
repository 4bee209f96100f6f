// Hardening benches (issue 8): slash-command latency while a policy check reads hostile 5 MB pages, as a
// ratio against the same bot with the monitor idle (same process, interleaved rounds), and the worst-case
// cost of one `search`.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import {
  loadSamples,
  PRODUCTION_STORE,
  SIGNING_SECRET,
  serveChild,
  slashBody,
  startServerChild,
  summarise,
  table,
} from "./lib.mjs";

const SCRIPT = fileURLToPath(import.meta.url);
const BOT_IDS = { botId: "B0BENCH", botUserId: "U0BOT" };
const FIVE_MB = 5 * 1024 * 1024;

/**
 * Hostile pages, each just under the fetcher's 5 MB cap: sibling <main>s (the issue's 40k-sibling attack,
 * scaled to 5 MB), 440k nested <div>s, and the costliest page still under the element cap (49,000
 * elements carrying 5 MB of text) — the one the reader really parses and renders end to end before the
 * text cap refuses it.
 */
function hostilePages() {
  const fill = (unit, wrap = (s) => s) => wrap(unit.repeat(Math.floor((FIVE_MB - 200) / unit.length)));
  const words = "We keep your chats for thirty days after you delete them. ";
  const underCap = `<main>${"<p>".concat(words.repeat(1_700), "</p>")}</main>`;
  return {
    "/siblings": `<html><body>${fill("<main>We keep chats.</main>")}</body></html>`,
    "/nested":
      `<html><body><main>${"<div>".repeat(440_000)}x${"</div>".repeat(440_000)}</main></body></html>`.slice(
        0,
        FIVE_MB - 1,
      ),
    "/under-cap": `<html><body>${underCap.repeat(Math.floor((FIVE_MB - 400) / underCap.length))}</body></html>`,
  };
}

/**
 * The policy site, in its own process so that serving 5 MB never runs on the measuring loop. It stands in
 * for the providers' servers, which are never on the bot's machine, so it runs in the background
 * (startServerChild): its CPU (~15 % of a core while checks run) is not charged to the bot it measures.
 */
async function serveSite() {
  const pages = hostilePages();
  let n = 0;
  const server = createServer((req, res) => {
    const body = pages[new URL(req.url ?? "/", "http://x").pathname];
    if (!body) return res.writeHead(404).end();
    // A fresh tail each time, so every fetch is a new page and is extracted again (no 304, no same bytes).
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`${body}<!-- ${n++} -->`);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  serveChild(server.address().port);
}

async function serveBot() {
  const { parseConfig } = await import("../dist/config.js");
  const { buildDeps, makeLogger } = await import("../dist/wiring.js");
  const { openSqliteStore } = await import("../dist/store/index.js");
  const { createBot } = await import("../dist/app.js");
  const { makeCatalog } = await import("../dist/catalog/index.js");
  const { ProviderSchema } = await import("../dist/catalog/schema.js");
  const { createPageReaderProcess, runPolicyCheck } = await import("../dist/monitor/index.js");
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: "http://127.0.0.1:9/api/",
    LOG_LEVEL: "error",
    NODE_ENV: "production",
  });
  const deps = await buildDeps(config, {
    store: openSqliteStore(":memory:", PRODUCTION_STORE),
    logger: makeLogger("error"),
  });
  const bot = createBot(deps, { botIds: BOT_IDS });
  const { port } = await bot.start({ port: 0, host: "127.0.0.1" });
  const site = process.env.BENCH_SITE;
  const catalog = makeCatalog([
    ProviderSchema.parse({
      id: "hostile",
      name: "Hostile AI",
      documents: Object.keys(hostilePages()).map((path) => ({
        id: `hostile${path.replace("/", "-")}`,
        title: path,
        url: `${site}${path}`,
        select: ["main"],
      })),
    }),
  ]);
  // The production reader: each page is fetched and read in a process of its own, never on this loop.
  const reader = createPageReaderProcess({ jitterMaxMs: 0, maxBytes: FIVE_MB });
  let checking = false;
  let checks = 0;
  let lastStatuses = [];
  const loop = async () => {
    while (checking) {
      const results = await runPolicyCheck({ store: deps.store, catalog, now: new Date(), reader });
      lastStatuses = results.map((r) => `${r.documentId}: ${r.status}${r.error ? ` (${r.error})` : ""}`);
      checks += 1;
    }
  };
  let running;
  process.on("message", async (m) => {
    if (m === "monitor-on" && !checking) {
      checking = true;
      running = loop();
    } else if (m === "monitor-off" && checking) {
      checking = false;
      await running;
      process.send?.({ checks, lastStatuses });
    }
  });
  serveChild(port);
}

const control = (child, message) =>
  new Promise((resolve) => {
    if (message === "monitor-on") {
      child.send(message);
      resolve(undefined);
    } else {
      child.once("message", resolve);
      child.send(message);
    }
  });

/**
 * The bot's main thread, from /proc/<pid>/schedstat (Linux): nanoseconds on a CPU and waiting on a run
 * queue. Waiting is what another process's work costs the bot; running longer is what it costs the caches.
 */
function schedstat(pid) {
  try {
    const [running, waiting] = readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ").map(Number);
    return { running, waiting };
  } catch {
    return undefined;
  }
}

export async function runHardeningBench({ rounds = 6, perRound = 1000 } = {}) {
  const site = await startServerChild(SCRIPT, "site", {}, { background: true });
  const bot = await startServerChild(SCRIPT, "bot", { BENCH_SITE: `http://127.0.0.1:${site.port}` });
  const url = `http://127.0.0.1:${bot.port}/slack/events`;
  const providers = ["claude", "chatgpt", "gemini", "copilot", "help", "list"];
  let i = 0;
  const body = () => slashBody(providers[i++ % providers.length]);
  await loadSamples(url, body, { total: 500, concurrency: 10 }); // warm-up
  const idle = { c1: [], c10: [], running: 0, waiting: 0 };
  const busy = { c1: [], c10: [], running: 0, waiting: 0 };
  let report = { checks: 0, lastStatuses: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const [state, pool] of [
      ["idle", idle],
      ["busy", busy],
    ]) {
      if (state === "busy") {
        await control(bot.child, "monitor-on");
        // Let the first fetch start, so the round measures during extraction, not before it.
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      // 6,000 samples a cell: a p99 is then the 60th-slowest request, not the second-slowest of a few
      // hundred, which on a shared machine is whatever else ran at that moment, not the monitor.
      const before = schedstat(bot.child.pid);
      pool.c1.push(...(await loadSamples(url, body, { total: perRound, concurrency: 1 })).samples);
      pool.c10.push(...(await loadSamples(url, body, { total: perRound, concurrency: 10 })).samples);
      const after = schedstat(bot.child.pid);
      if (before && after) {
        pool.running += after.running - before.running;
        pool.waiting += after.waiting - before.waiting;
      }
      if (state === "busy") report = await control(bot.child, "monitor-off");
    }
  }
  await bot.stop();
  await site.stop();
  const s = {
    idle: { c1: summarise(idle.c1), c10: summarise(idle.c10) },
    busy: { c1: summarise(busy.c1), c10: summarise(busy.c10) },
  };
  const fmt = (x) => x.toFixed(2);
  const requests = 2 * rounds * perRound;
  const perRequest = (pool) =>
    pool.running
      ? `${(pool.running / requests / 1e3).toFixed(0)} µs running, ${(pool.waiting / requests / 1e3).toFixed(0)} µs waiting for a CPU`
      : "n/a";
  const ratio = (a, b) => (a / b).toFixed(2);
  const command = [
    "### `/ai-privacy <provider>` while a policy check reads hostile 5 MB pages (same bot, interleaved rounds)",
    "",
    table(
      ["monitor", "c=1 p50 ms", "c=1 p99 ms", "c=10 p50 ms", "c=10 p99 ms"],
      ["idle", "busy"].map((k) => [
        k,
        fmt(s[k].c1.p50),
        fmt(s[k].c1.p99),
        fmt(s[k].c10.p50),
        fmt(s[k].c10.p99),
      ]),
    ),
    "",
    `Ratios (busy / idle): c=1 p99 ${ratio(s.busy.c1.p99, s.idle.c1.p99)}×, c=10 p99 ${ratio(s.busy.c10.p99, s.idle.c10.p99)}× (target ≤ 1.2×); ` +
      `p50 ${ratio(s.busy.c1.p50, s.idle.c1.p50)}× / ${ratio(s.busy.c10.p50, s.idle.c10.p50)}×`,
    `Bot's main thread per request (/proc schedstat): idle ${perRequest(idle)}, busy ${perRequest(busy)}`,
    `Policy checks completed during the busy rounds: ${report.checks}; last outcome: ${report.lastStatuses.join("; ")}`,
  ];
  const search = await searchBench();
  return { text: [...command, "", ...search].join("\n") };
}

/** One `search` at its worst: the queries the issue found, and the costliest a capped query can be. */
async function searchBench() {
  const { loadCatalog, searchCatalog } = await import("../dist/catalog/index.js");
  const catalog = loadCatalog();
  const letters = Array.from({ length: 1000 }, (_, k) => String.fromCharCode(97 + (k % 26))).join(" ");
  const pairs = Array.from(
    { length: 1000 },
    (_, k) => `${String.fromCharCode(97 + (k % 26))}${String.fromCharCode(97 + ((k * 7) % 26))}`,
  ).join(" ");
  const queries = {
    "claude (a normal query)": "claude",
    "1000 one-letter words": letters,
    "1000 two-letter words": pairs,
    "8 common two-letter words": "an in on at to of is it",
    "8 long words": "retention training conversations settings privacy deletion feedback review",
  };
  const rows = [];
  for (const [name, q] of Object.entries(queries)) {
    for (let k = 0; k < 20; k += 1) searchCatalog(catalog, q); // warm-up
    const samples = [];
    for (let k = 0; k < 300; k += 1) {
      const t = performance.now();
      searchCatalog(catalog, q);
      samples.push(performance.now() - t);
    }
    const sorted = summarise(samples);
    rows.push([name, fmt3(sorted.p50), fmt3(sorted.p99), fmt3(Math.max(...samples))]);
  }
  return [
    "### `search`: cost of one query (catalog indexed once; target: any one search < 5 ms)",
    "",
    table(["query", "p50 ms", "p99 ms", "max ms"], rows),
  ];
}

const fmt3 = (x) => x.toFixed(3);

const serverKind = process.argv[2] === "--server" ? process.argv[3] : undefined;
if (serverKind === "site") await serveSite();
else if (serverKind === "bot") await serveBot();
else if (process.argv[1] === SCRIPT) console.log((await runHardeningBench()).text);
