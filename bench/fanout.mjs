// Fan-out benchmark: one deadline announcement to 1,000 subscribed channels, planned by the real deadline job
// and delivered by the real (issue-3) deliverer against a loopback Slack that enforces 1 message/s per channel
// and a workspace-wide cap, answering 429 + Retry-After when exceeded. Reports delivered, duplicates, 429s,
// wall time against the floor the caps allow, and peak RSS. Target: all delivered, 0 duplicates, wall time
// ≤ 1.1 × floor. Run `npm run build` first, then `node bench/fanout.mjs`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fakeSlackInWorker, formatMetricRows, PRODUCTION_STORE } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000);
/** Workspace-wide chat.postMessage cap of the fake, and its burst. */
const CAP_PER_SECOND = Number(process.env.BENCH_WORKSPACE_PER_SECOND ?? 100);
const CAP_BURST = Number(process.env.BENCH_WORKSPACE_BURST ?? 50);
/** Slack: about 1 message per second per channel. */
const CHANNEL_PER_SECOND = 1;

export async function runFanoutBench() {
  const { openSqliteStore } = await load("store/index.js");
  const { makeCatalog } = await load("catalog/index.js");
  const { createDeliverer, createDeliveryClient } = await load("outbox/index.js");
  const { runDeadlineCheck } = await load("announce/index.js");

  const dir = mkdtempSync(join(tmpdir(), "ai-privacy-fanout-"));
  const store = openSqliteStore(join(dir, "bench.db"), PRODUCTION_STORE);
  const fake = await fakeSlackInWorker(new URL("./paced-slack.mjs", import.meta.url), {
    pacedSlack: {
      workspacePerSecond: CAP_PER_SECOND,
      workspaceBurst: CAP_BURST,
      channelPerSecond: CHANNEL_PER_SECOND,
    },
  });
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runFanoutBench();
  console.log(text);
}
