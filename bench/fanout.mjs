// Fan-out benchmark: one deadline announcement to 1,000 subscribed channels, planned by the real deadline job
// and delivered by the real (issue-3) deliverer against a loopback Slack that enforces 1 message/s per channel
// and a workspace-wide cap, answering 429 + Retry-After when exceeded. Reports delivered, duplicates, 429s,
// wall time against the floor the caps allow, and peak RSS. Target: all delivered, 0 duplicates, wall time
// ≤ 1.1 × floor. Run `npm run build` first, then `node bench/fanout.mjs`.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort } from "node:worker_threads";
import { fakeSlackInWorker, formatMetricRows, serveFakeSlackInWorker } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000);
/** Workspace-wide chat.postMessage cap of the fake, and its burst. */
const CAP_PER_SECOND = Number(process.env.BENCH_WORKSPACE_PER_SECOND ?? 100);
const CAP_BURST = Number(process.env.BENCH_WORKSPACE_BURST ?? 50);
/** Slack: about 1 message per second per channel. */
const CHANNEL_PER_SECOND = 1;

/** Token bucket measured at arrival, like Slack's. Returns 0 or the whole seconds to wait (Retry-After). */
function bucket(rate, burst) {
  let tokens = burst;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - tokens) / rate));
  };
}

/**
 * A minimal loopback Slack Web API: paced chat.postMessage, conversations.history for recovery checks. It
 * runs in a worker thread so that, like the real Slack, it measures arrivals on its own clock and event loop.
 */
async function serveFakeSlack() {
  const workspace = bucket(CAP_PER_SECOND, CAP_BURST);
  const channels = new Map();
  const posted = new Map(); // channel → [{ts, metadata}]
  const keys = new Map(); // idempotency key → times posted
  const stats = { posts: 0, rateLimited: 0 };
  let ts = 0;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const args = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    const method = (req.url ?? "").replace(/^\/api\//, "");
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (method === "chat.postMessage") {
      const channel = String(args.channel);
      if (!channels.has(channel)) channels.set(channel, bucket(CHANNEL_PER_SECOND, 1));
      const wait = channels.get(channel)() || workspace();
      if (wait > 0) {
        stats.rateLimited += 1;
        return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
      }
      stats.posts += 1;
      const metadata = args.metadata ? JSON.parse(args.metadata) : undefined;
      const key = metadata?.event_payload?.key ?? `none:${ts}`;
      keys.set(key, (keys.get(key) ?? 0) + 1);
      ts += 1;
      const message = { ts: `1700000000.${String(ts).padStart(6, "0")}`, metadata };
      posted.set(channel, [...(posted.get(channel) ?? []), message]);
      return send(200, { ok: true, channel, ts: message.ts });
    }
    if (method === "conversations.history")
      return send(200, {
        ok: true,
        messages: [...(posted.get(String(args.channel)) ?? [])].reverse(),
        has_more: false,
      });
    return send(200, { ok: false, error: "unknown_method" });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/api/`;
  return {
    url,
    report: () => ({ stats, keys: [...keys.entries()] }),
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (!isMainThread && parentPort) serveFakeSlackInWorker(parentPort, await serveFakeSlack());

export async function runFanoutBench() {
  const { openSqliteStore } = await load("store/index.js");
  const { makeCatalog } = await load("catalog/index.js");
  const { createDeliverer, createDeliveryClient } = await load("outbox/index.js");
  const { runDeadlineCheck } = await load("announce/index.js");

  const dir = mkdtempSync(join(tmpdir(), "ai-privacy-fanout-"));
  const store = openSqliteStore(join(dir, "bench.db"));
  const fake = await fakeSlackInWorker(import.meta.url);
  const quiet = () => {};
  const logger = {
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (m) => console.error(m),
    setLevel: quiet,
    getLevel: () => "info",
    setName: quiet,
  };
  const now = new Date();
  const deadline = new Date(now.getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
  const provider = {
    id: "acme-ai",
    name: "Acme AI",
    aliases: [],
    notCovered: [],
    uncertainties: [],
    confidence: "weak",
    sources: [],
    documents: [],
    tiers: { covered: ["Acme Free", "Acme Plus"], excluded: [], sources: [] },
    deadlines: [
      {
        id: "acme-opt-out",
        date: deadline,
        title: "Last day to opt out of Acme training",
        kind: "deadline",
        sources: [],
      },
    ],
  };
  await store.transaction(async (tx) => {
    for (let i = 0; i < CHANNELS; i += 1) {
      await tx.subscriptions.upsert({
        teamId: "T0BENCH",
        channelId: `C${String(i).padStart(6, "0")}`,
        providerId: "*",
        kinds: ["deadlines"],
        createdBy: "U0LEAD",
        now,
      });
    }
  });

  const planStart = performance.now();
  const planned = await runDeadlineCheck({
    store,
    catalog: makeCatalog([provider]),
    now: () => now,
    config: { DEADLINE_LEAD_DAYS: [14, 7, 3, 1, 0], DEFAULT_TIMEZONE: "UTC" },
  });
  const planMs = performance.now() - planStart;

  const deliverer = createDeliverer({
    store,
    client: createDeliveryClient("xoxb-bench", fake.url),
    logger,
    concurrency: 32,
    batchSize: 1000,
    // Just under the cap, using half of Slack's burst allowance: the other half absorbs jitter between our
    // send and its arrival (here: the fake's thread being descheduled on a busy machine).
    pacing: {
      channel: { perSecond: CHANNEL_PER_SECOND, burst: 1 },
      workspace: { perSecond: CAP_PER_SECOND * 0.98, burst: Math.max(1, Math.floor(CAP_BURST / 2)) },
    },
  });
  const start = performance.now();
  const stats = await deliverer.drain();
  const wallS = (performance.now() - start) / 1000;
  await deliverer.stop();

  const report = await fake.report();
  const keys = new Map(report.keys);
  const delivered = [...keys.keys()].filter((k) => k.startsWith("deadline:")).length;
  const duplicates = [...keys.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const floorS = Math.max(0, CHANNELS - CAP_BURST) / CAP_PER_SECOND;
  const ratio = wallS / floorS;
  const rows = [
    {
      metric: "planned + enqueued (one transaction)",
      channels: CHANNELS,
      enqueued: planned.enqueued,
      ms: +planMs.toFixed(1),
    },
    {
      metric: "delivered",
      value: delivered,
      of: CHANNELS,
      sentByDeliverer: stats.sent,
      failed: stats.failed,
      target: `= ${CHANNELS}`,
    },
    { metric: "duplicates", value: duplicates, target: "= 0" },
    { metric: "429s received", value: report.stats.rateLimited },
    {
      metric: "wall time (s)",
      value: +wallS.toFixed(2),
      floor: +floorS.toFixed(2),
      caps: `${CAP_PER_SECOND}/s workspace (burst ${CAP_BURST}), ${CHANNEL_PER_SECOND}/s per channel`,
    },
    { metric: "wall time / floor", value: +ratio.toFixed(3), target: "≤ 1.1" },
    { metric: "peak RSS", mb: Math.round(process.resourceUsage().maxRSS / 1024) },
  ];
  await store.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
  const text = formatMetricRows("Fan-out (one announcement → subscribed channels)", rows);
  return { rows, text };
}

if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runFanoutBench();
  console.log(text);
}
