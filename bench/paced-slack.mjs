// A minimal loopback Slack Web API for the delivery benchmarks: chat.postMessage paced like Slack (about 1
// message/s per channel plus a workspace-wide cap, 429 + Retry-After beyond: shared/slack-reference.md), the
// conversations.history the deliverer's recovery check reads, and auth.test for a bot's start-up check. It
// runs in a worker thread (lib.mjs, fakeSlackInWorker) so that, like the real Slack, it measures arrivals on
// its own clock and event loop, not on the one of the deliverer being measured.

import { createServer } from "node:http";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { serveFakeSlackInWorker } from "./lib.mjs";

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
 * @param {{ workspacePerSecond: number, workspaceBurst: number, channelPerSecond: number, teamId?: string }} caps
 * `report()` gives the counts, every idempotency key with how often it was posted, and each post's arrival
 * (epoch ms, the same clock as the parent thread's Date.now()).
 */
export async function servePacedSlack(caps) {
  const workspace = bucket(caps.workspacePerSecond, caps.workspaceBurst);
  const channels = new Map();
  const posted = new Map(); // channel → [{ts, metadata}]
  const keys = new Map(); // idempotency key → times posted
  const arrivals = []; // [epoch ms, key] of each accepted post
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
      if (!channels.has(channel)) channels.set(channel, bucket(caps.channelPerSecond, 1));
      const wait = channels.get(channel)() || workspace();
      if (wait > 0) {
        stats.rateLimited += 1;
        return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
      }
      stats.posts += 1;
      const metadata = args.metadata ? JSON.parse(args.metadata) : undefined;
      const key = metadata?.event_payload?.key ?? `none:${ts}`;
      keys.set(key, (keys.get(key) ?? 0) + 1);
      arrivals.push([Date.now(), key]);
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
    if (method === "auth.test")
      return send(200, {
        ok: true,
        url: "https://bench.slack.test/",
        team: "Bench",
        user: "ai-privacy",
        team_id: caps.teamId ?? "T0BENCH",
        user_id: "U0BOT",
        bot_id: "B0BENCH",
      });
    return send(200, { ok: false, error: "unknown_method" });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/api/`;
  return {
    url,
    report: () => ({ stats: { ...stats }, keys: [...keys.entries()], arrivals: [...arrivals] }),
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (!isMainThread && parentPort && workerData?.pacedSlack)
  serveFakeSlackInWorker(parentPort, await servePacedSlack(workerData.pacedSlack));
