// Distributed fan-out benchmark (issue 10): one deadline announcement to 20 workspaces × 100 channels,
// planned by the real deadline job and delivered by the real deliverer with each workspace's own token
// (installations sealed in the store, looked up through @slack/oauth's InstallProvider). The loopback Slack
// enforces 1 message/s per channel and a cap per workspace (by token), answering 429 + Retry-After when
// exceeded. Workspaces are paced independently, so the floor is one workspace's share: (channels − burst) /
// cap. Target: all delivered, each with its workspace's token, 0 duplicates, and the posts, from the first to
// the last, within 1.1 × floor (the time to plan the first lanes is reported beside it, as is the whole drain).
// Run `npm run build` first, then `node bench/workspaces.mjs`.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort } from "node:worker_threads";
import { fakeSlackInWorker, formatMetricRows, PRODUCTION_STORE, serveFakeSlackInWorker } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 20);
const CHANNELS = Number(process.env.BENCH_CHANNELS_PER_WORKSPACE ?? 100);
const CAP_PER_SECOND = Number(process.env.BENCH_WORKSPACE_PER_SECOND ?? 20);
const CAP_BURST = Number(process.env.BENCH_WORKSPACE_BURST ?? 10);

const teamOf = (i) => `T${String(i).padStart(4, "0")}`;
const tokenOf = (team) => `xoxb-bench-${team}`;

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

/** Loopback Slack in a worker thread: its own clock and event loop, buckets per channel and per token. */
async function serveFakeSlack() {
  const workspaces = new Map();
  const channels = new Map();
  const keys = new Map();
  const wrongToken = { count: 0 };
  const stats = { posts: 0, rateLimited: 0 };
  let ts = 0;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const args = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    const method = (req.url ?? "").replace(/^\/api\//, "");
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (method === "chat.postMessage") {
      const channel = String(args.channel);
      // Channel C<team>-<n> belongs to workspace <team>: the token must be that workspace's.
      if (tokenOf(`T${channel.slice(1, 5)}`) !== token) wrongToken.count += 1;
      if (!channels.has(channel)) channels.set(channel, bucket(1, 1));
      if (!workspaces.has(token)) workspaces.set(token, bucket(CAP_PER_SECOND, CAP_BURST));
      const wait = channels.get(channel)() || workspaces.get(token)();
      if (wait > 0) {
        stats.rateLimited += 1;
        return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
      }
      stats.posts += 1;
      stats.firstAt ??= Date.now();
      stats.lastAt = Date.now();
      const metadata = args.metadata ? JSON.parse(args.metadata) : undefined;
      const key = metadata?.event_payload?.key ?? `none:${ts}`;
      keys.set(key, (keys.get(key) ?? 0) + 1);
      ts += 1;
      return send(200, { ok: true, channel, ts: `1700000000.${String(ts).padStart(6, "0")}` });
    }
    if (method === "conversations.history") return send(200, { ok: true, messages: [], has_more: false });
    return send(200, { ok: false, error: "unknown_method" });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/api/`,
    report: () => ({ stats, keys: [...keys.entries()], wrongToken: wrongToken.count }),
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (!isMainThread && parentPort) serveFakeSlackInWorker(parentPort, await serveFakeSlack());

export async function runWorkspacesBench() {
  const { openSqliteStore } = await load("store/index.js");
  const { makeCatalog } = await load("catalog/index.js");
  const { runDeadlineCheck } = await load("announce/index.js");
  const { createDeliverer, createDeliveryClient } = await load("outbox/index.js");
  const { createInstaller, createWorkspaces, seal } = await load("install/index.js");

  const dir = mkdtempSync(join(tmpdir(), "ai-privacy-workspaces-"));
  const store = openSqliteStore(join(dir, "bench.db"), PRODUCTION_STORE);
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
  const key = Buffer.alloc(32, 3);
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
    tiers: { covered: ["Acme Free"], excluded: [], sources: [] },
    deadlines: [
      { id: "acme-opt-out", date: deadline, title: "Last day to opt out", kind: "deadline", sources: [] },
    ],
  };
  // Subscriptions arrive over time from every workspace: interleaved, not one workspace after another.
  for (let c = 0; c < CHANNELS; c += 1) {
    for (let w = 0; w < WORKSPACES; w += 1) {
      const team = teamOf(w);
      await store.subscriptions.upsert({
        teamId: team,
        channelId: `C${team.slice(1)}${String(c).padStart(4, "0")}`,
        providerId: "*",
        kinds: ["deadlines"],
        createdBy: "U0LEAD",
        now,
      });
    }
  }
  for (let w = 0; w < WORKSPACES; w += 1) {
    const team = teamOf(w);
    await store.installations.save({
      key: team,
      teamId: team,
      enterpriseId: null,
      isEnterpriseInstall: false,
      botToken: seal(key, tokenOf(team)),
      botUserId: `UBOT${w}`,
      botId: `BBOT${w}`,
      scopes: ["chat:write"],
      installerUserId: "U0LEAD",
      refreshToken: null,
      tokenExpiresAt: null,
      installedAt: now,
      updatedAt: now,
    });
  }
  const installer = createInstaller({
    auth: {
      clientId: "1.2",
      clientSecret: "00".repeat(16),
      stateSecret: "s".repeat(32),
      encryptionKey: key,
      scopes: ["chat:write"],
    },
    store,
    now: () => now,
    logger,
    slackApiUrl: fake.url,
  });
  const workspaces = createWorkspaces({
    installer,
    store,
    logger,
    makeClient: (token) => createDeliveryClient(token, fake.url),
  });

  const planned = await runDeadlineCheck({
    store,
    catalog: makeCatalog([provider]),
    now: () => now,
    config: { DEADLINE_LEAD_DAYS: [14, 7, 3, 1, 0], DEFAULT_TIMEZONE: "UTC" },
  });
  const deliverer = createDeliverer({
    store,
    client: { forTeam: (team) => workspaces.clientFor(team) },
    logger,
    batchSize: 1000,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
    pacing: {
      channel: { perSecond: 1, burst: 1 },
      // At the fake's rate, with half its burst: the other half absorbs jitter (DEFAULT_PACING does the same).
      workspace: { perSecond: CAP_PER_SECOND, burst: Math.max(1, Math.floor(CAP_BURST / 2)) },
    },
  });
  const startedAt = Date.now();
  const start = performance.now();
  const busy = performance.eventLoopUtilization();
  const stats = await deliverer.drain();
  const wallS = (performance.now() - start) / 1000;
  const { utilization, active } = performance.eventLoopUtilization(busy);
  await deliverer.stop();

  const report = await fake.report();
  const keys = new Map(report.keys);
  const total = WORKSPACES * CHANNELS;
  const delivered = [...keys.keys()].filter((k) => k.startsWith("deadline:")).length;
  const duplicates = [...keys.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const floorS = Math.max(0, CHANNELS - CAP_BURST) / CAP_PER_SECOND;
  const firstPostS = ((report.stats.firstAt ?? startedAt) - startedAt) / 1000;
  const postingS = ((report.stats.lastAt ?? startedAt) - (report.stats.firstAt ?? startedAt)) / 1000;
  const rows = [
    { metric: "planned + enqueued", workspaces: WORKSPACES, channels: total, enqueued: planned.enqueued },
    { metric: "delivered", value: delivered, of: total, sentByDeliverer: stats.sent, failed: stats.failed },
    { metric: "posts with another workspace's token", value: report.wrongToken, target: "= 0" },
    { metric: "duplicates", value: duplicates, target: "= 0" },
    { metric: "429s received", value: report.stats.rateLimited },
    // Slack's limits govern the posts, from the first to the last (as in instances.mjs); planning the first
    // lanes before that is shown on its own.
    { metric: "time to first post (s)", value: +firstPostS.toFixed(2) },
    {
      metric: "wall time, first post to last (s)",
      value: +postingS.toFixed(2),
      floor: +floorS.toFixed(2),
      caps: `${CAP_PER_SECOND}/s per workspace (burst ${CAP_BURST}), 1/s per channel, workspaces in parallel`,
    },
    { metric: "first post to last / floor", value: +(postingS / floorS).toFixed(3), target: "≤ 1.1" },
    { metric: "whole drain / floor", value: +(wallS / floorS).toFixed(3) },
    // Near 1, the deliverer's own thread is the limit, not the pacing: its CPU per post decides the time.
    {
      metric: "deliverer thread busy",
      share: +utilization.toFixed(2),
      msPerPost: +(active / Math.max(1, stats.sent)).toFixed(2),
    },
  ];
  await store.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    rows,
    text: formatMetricRows("Fan-out to many workspaces (per-workspace tokens and pacing)", rows),
  };
}

if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runWorkspacesBench();
  console.log(text);
}
