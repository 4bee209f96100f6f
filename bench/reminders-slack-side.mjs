// Slack's side of bench/reminders.mjs on its own thread: the loopback fake Web API (and response_url
// sink) plus the clients that click, so the app under test has its event loop to itself as in production.
import { createHmac } from "node:crypto";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { fakeSlack } from "./reminders-fake-slack.mjs";

const CONCURRENCY = 100;

function signed(secret, body) {
  const ts = Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`,
  };
}

async function burst(secret, url, bodies) {
  return Promise.all(
    bodies.map(async (body) => {
      const headers = signed(secret, body);
      const started = performance.now();
      const res = await fetch(url, { method: "POST", headers, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`click answered ${res.status}`);
      return performance.now() - started;
    }),
  );
}

/**
 * Bursts of CONCURRENCY simultaneous clicks (people clicking at once), alternating between the targets
 * burst by burst so that machine noise hits both alike. For a target with `awaitResponses`, the next burst
 * starts once the app has answered every click at its response_url (its work after the ack is done).
 */
async function bursts(fake, secret, targets, bodies) {
  const latencies = targets.map(() => []);
  for (let i = 0; i < bodies.length; i += CONCURRENCY) {
    const wave = bodies.slice(i, i + CONCURRENCY);
    for (const [t, target] of targets.entries()) {
      const before = fake.stats.responses;
      latencies[t].push(...(await burst(secret, target.url, wave)));
      const deadline = Date.now() + 10_000;
      while (target.awaitResponses && fake.stats.responses - before < wave.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }
  return latencies;
}

/** Closed loop: CONCURRENCY requests always in flight (saturation). */
async function closedLoop(secret, url, bodies) {
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) latencies.push(...(await burst(secret, url, [bodies[next++]])));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return latencies;
}

if (!isMainThread) {
  const { secret, ...options } = workerData;
  const fake = fakeSlack(options);
  await fake.start();
  parentPort.on("message", async ({ id, cmd, args }) => {
    try {
      let result;
      if (cmd === "stats") result = { ...fake.stats };
      else if (cmd === "bursts") result = await bursts(fake, secret, args.targets, args.bodies);
      else if (cmd === "closedLoop") result = await closedLoop(secret, args.url, args.bodies);
      else if (cmd === "stop") result = await fake.stop();
      parentPort.postMessage({ id, result });
    } catch (err) {
      parentPort.postMessage({ id, error: err.message });
    }
  });
  parentPort.postMessage({ id: 0, result: fake.url });
}

/** Starts Slack's side on a worker thread; resolves once the fake listens. */
export async function startSlackSide(options) {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  const pending = new Map();
  let nextId = 1;
  worker.on("message", ({ id, result, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error) p?.reject(new Error(error));
    else p?.resolve(result);
  });
  const call = (cmd, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, cmd, args });
    });
  const url = await new Promise((resolve, reject) => {
    pending.set(0, { resolve, reject });
    worker.once("error", reject);
  });
  return {
    url,
    stats: () => call("stats"),
    bursts: (targets, bodies) => call("bursts", { targets, bodies }),
    closedLoop: (url, bodies) => call("closedLoop", { url, bodies }),
    async stop() {
      await call("stop");
      await worker.terminate();
    },
  };
}
