// Shared helpers for the benchmarks: percentiles, signed Slack requests, child-process servers.
import { fork } from "node:child_process";
import { createHmac } from "node:crypto";
import { Agent, request } from "undici";

/**
 * The store as the bot opens it under NODE_ENV=production (config.ts, databaseOptions): without the
 * development-time transaction misuse check, whose AsyncLocalStorage costs every promise on Node 20/22.
 * Benchmarks measure the bot as it is deployed.
 */
export const PRODUCTION_STORE = { checkTransactionUse: false };

export const SIGNING_SECRET = "8f742231b10e8888abcd99aaaaaa85a5";

export function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarise(samplesMs) {
  const s = [...samplesMs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99) };
}

export function signedHeaders(body, secret = SIGNING_SECRET) {
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": sig,
  };
}

export function slashBody(text) {
  return new URLSearchParams({
    token: "t",
    team_id: "T0BENCH",
    team_domain: "bench",
    channel_id: "C0BENCH",
    channel_name: "bench",
    user_id: "U0BENCH",
    user_name: "bench",
    command: "/ai-privacy",
    text,
    api_app_id: "A0BENCH",
    response_url: "http://127.0.0.1:9/response",
    trigger_id: "1.2.3",
  }).toString();
}

/** Sends `total` requests with at most `concurrency` in flight; returns latency percentiles in ms. */
export async function load(url, makeBody, options) {
  const { samples, failures } = await loadSamples(url, makeBody, options);
  return { ...summarise(samples), failures };
}

/**
 * Like `load`, but returns every sample so interleaved rounds can be pooled. The client is undici's
 * `request` on a keep-alive pool of its own, one connection per request in flight: a load generator must
 * cost far less than what it measures. Node's `fetch` (WHATWG streams over the same undici) spent ~480 µs
 * of CPU per request (2-core AMD EPYC, 2026-12-02), more than a bare Bolt app's ~250 µs, so at c=50 the
 * client, not the server, set the pace; `request` costs 55–75 µs (2-core Intel Xeon, 2026-12-03).
 */
export async function loadSamples(url, makeBody, { total, concurrency }) {
  const dispatcher = new Agent({ connections: concurrency });
  const samples = [];
  let next = 0;
  let failures = 0;
  async function worker() {
    while (next < total) {
      next += 1;
      const body = makeBody();
      const started = performance.now();
      const res = await request(url, { method: "POST", headers: signedHeaders(body), body, dispatcher });
      await res.body.arrayBuffer();
      samples.push(performance.now() - started);
      if (res.statusCode !== 200) failures += 1;
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await dispatcher.close();
  }
  return { samples, failures };
}

/**
 * Starts `script --server <kind>` as a child; resolves with { port, stop() → peak RSS in MB }.
 * `background`: the child stands in for a machine that is not the bot's (a provider's web server). It leads
 * a session (so a Linux autogroup) of its own and starts as the bot starts its page reader
 * (src/monitor/reader-scheduling.ts: SCHED_IDLE, confined to one CPU where it can be), so its CPU does not
 * delay the processes being measured any more than the reader's own does.
 */
export async function startServerChild(script, kind, extraEnv = {}, { background = false } = {}) {
  const { readerLaunchPrefix } = await import("../dist/monitor/index.js");
  const [command, ...prefixArgs] = background ? await readerLaunchPrefix() : [];
  return new Promise((resolve, reject) => {
    const child = fork(script, ["--server", kind], {
      detached: background,
      ...(command
        ? { execPath: command, execArgv: [...prefixArgs, process.execPath, ...process.execArgv] }
        : {}),
      env: { ...process.env, ...extraEnv },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${kind} server exited early (${code})`)));
    child.once("message", (msg) => {
      child.removeAllListeners("exit");
      resolve({
        port: msg.port,
        child,
        stop: () =>
          new Promise((done) => {
            child.once("message", (m) => {
              child.kill();
              done(m.peakRssMb);
            });
            child.send("stop");
          }),
      });
    });
  });
}

/** Inside a server child: report the port, and peak RSS when asked to stop. */
export function serveChild(port) {
  process.send?.({ port });
  process.on("message", (m) => {
    if (m === "stop") process.send?.({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
  });
}

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** "Title\n  metric: key=value, …" — the plain report the fan-out and reminders benches print. */
export function formatMetricRows(title, rows) {
  const line = (r) =>
    `  ${r.metric}: ${Object.entries(r)
      .filter(([k]) => k !== "metric")
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`;
  return [title, ...rows.map(line)].join("\n");
}

/**
 * A fake Slack served from a worker thread, so its own event loop never competes with the deliverer being
 * measured. `moduleUrl` is the module that, run as the worker (with `workerData`), calls
 * `serveFakeSlackInWorker` (paced-slack.mjs, reminders-fake-slack.mjs).
 */
export async function fakeSlackInWorker(moduleUrl, workerData) {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(new URL(moduleUrl), { workerData });
  const ask = (type) =>
    new Promise((res) => {
      worker.once("message", res);
      worker.postMessage({ type });
    });
  const { url } = await new Promise((res) => worker.once("message", res));
  return {
    url,
    report: () => ask("report"),
    stop: async () => {
      await ask("stop");
      await worker.terminate();
    },
  };
}

/** The worker side of `fakeSlackInWorker`: `fake` has `url`, `report()` and `stop()`. */
export function serveFakeSlackInWorker(parentPort, fake) {
  parentPort.postMessage({ url: fake.url });
  parentPort.on("message", async ({ type }) => {
    if (type === "report") parentPort.postMessage(fake.report());
    if (type === "stop") {
      await fake.stop();
      parentPort.postMessage({ stopped: true });
    }
  });
}

/** The PostgreSQL server the benchmarks may use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one. */
export const BENCH_POSTGRES_URL =
  process.env.BENCH_DATABASE_URL?.trim() ||
  process.env.TEST_DATABASE_URL?.trim() ||
  "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh database on that server for one suite, or undefined (with the reason) when the server cannot be
 * reached: the PostgreSQL rows are then skipped, never faked. `drop` ends its sessions first.
 */
export async function createBenchDatabase(prefix) {
  const { default: pg } = await import("pg");
  const { randomBytes } = await import("node:crypto");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    return { skipped: `PostgreSQL at ${redacted(BENCH_POSTGRES_URL)} not usable (${err.message})` };
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

function redacted(url) {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
