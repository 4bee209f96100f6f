// A minimal loopback Slack Web API for bench/reminders.mjs and bench/joiners.mjs: users (users.info,
// users.list), one big channel (conversations.members in pages; people can join and leave it),
// chat.postMessage with a workspace-wide rate limit and optionally Slack's ~1/s per channel (HTTP 429 +
// Retry-After beyond), the busiest second it saw per channel and for the workspace, response_url sink.
import { createServer } from "node:http";

/** Token bucket measured at arrival, like Slack's: true when the call may pass. */
function bucket(rate, burst) {
  let tokens = burst;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** Calls per whole second: the busiest second seen. */
function peakPerSecond() {
  let second = 0;
  let count = 0;
  let peak = 0;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) [second, count] = [now, 0];
    count += 1;
    peak = Math.max(peak, count);
    return peak;
  };
}

/**
 * A minimal loopback Slack Web API. `people` users (time zones from `zones` in turn, or `zones(i)`); the channel starts
 * with the first `members` of them (default: all). `perChannelPerSecond` turns on the per-channel limit.
 */
export function fakeSlack({ people, zones, postsPerSecond, members: initial = people, perChannelPerSecond }) {
  const users = new Map(
    Array.from({ length: people }, (_, i) => [
      `U${String(i).padStart(8, "0")}`,
      typeof zones === "function" ? zones(i) : zones[i % zones.length],
    ]),
  );
  users.set("U0BOT", "UTC");
  let members = [...users.keys()].slice(0, initial);
  if (initial >= people) members.push("U0BOT");
  let workspace = bucket(postsPerSecond, postsPerSecond);
  const channels = new Map();
  let channelPeaks = new Map();
  let workspacePeak = peakPerSecond();
  const stats = {
    posts: 0,
    rateLimited: 0,
    responses: 0,
    /** Posts per channel (a DM's channel is the person's ID). */
    postsTo: {},
    /** The most posts one channel, and the workspace, received within one second. */
    peakChannelPerSecond: 0,
    peakWorkspacePerSecond: 0,
    membersCalls: 0,
    usersInfoCalls: 0,
  };
  const perChannel = (channel) => {
    if (!perChannelPerSecond) return true;
    if (!channels.has(channel)) channels.set(channel, bucket(perChannelPerSecond, 1));
    return channels.get(channel)();
  };
  const answer = (method, args) => {
    switch (method) {
      case "auth.test":
        return { ok: true, team_id: "T0BENCH", user_id: "UBOT", bot_id: "BBOT" };
      case "users.info": {
        stats.usersInfoCalls += 1;
        const tz = users.get(String(args.user));
        if (!tz) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: args.user,
            name: String(args.user).toLowerCase(),
            tz,
            is_bot: args.user === "U0BOT",
            deleted: false,
          },
        };
      }
      case "users.list": {
        const start = Number(args.cursor || 0);
        const limit = Number(args.limit || 200);
        const page = members.slice(start, start + limit).map((id) => ({
          id,
          name: id.toLowerCase(),
          tz: users.get(id),
          is_bot: id === "U0BOT",
          deleted: false,
        }));
        const next = start + limit < members.length ? String(start + limit) : "";
        return { ok: true, members: page, response_metadata: { next_cursor: next } };
      }
      case "conversations.members": {
        // Cursor paging (docs.slack.dev/apis/web-api/pagination): `limit` per page, then `next_cursor`.
        stats.membersCalls += 1;
        const start = Number(args.cursor || 0);
        const limit = Number(args.limit || members.length);
        const next = start + limit < members.length ? String(start + limit) : "";
        return {
          ok: true,
          members: members.slice(start, start + limit),
          response_metadata: { next_cursor: next },
        };
      }
      case "chat.postMessage": {
        const now = Date.now();
        const channel = String(args.channel);
        if (!workspace() || !perChannel(channel)) {
          stats.rateLimited += 1;
          return 429;
        }
        stats.posts += 1;
        stats.postsTo[channel] = (stats.postsTo[channel] ?? 0) + 1;
        if (!channelPeaks.has(channel)) channelPeaks.set(channel, peakPerSecond());
        stats.peakChannelPerSecond = Math.max(stats.peakChannelPerSecond, channelPeaks.get(channel)());
        stats.peakWorkspacePerSecond = workspacePeak();
        return {
          ok: true,
          channel: args.channel,
          ts: `${Math.floor(now / 1000)}.${String(stats.posts).padStart(6, "0")}`,
        };
      }
      case "conversations.history":
        return { ok: true, messages: [], has_more: false };
      default:
        return { ok: true };
    }
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (req.url?.startsWith("/response/")) {
      stats.responses += 1;
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    const args = (req.headers["content-type"] ?? "").includes("json")
      ? JSON.parse(raw || "{}")
      : Object.fromEntries(new URLSearchParams(raw));
    const body = answer((req.url ?? "").replace(/^\/api\//, "").split("?")[0], args);
    if (body === 429)
      res
        .writeHead(429, { "content-type": "application/json", "retry-after": "1" })
        .end('{"ok":false,"error":"ratelimited"}');
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  return {
    stats,
    /** Someone joins or leaves the channel (Slack's own list changes; events are the bench's business). */
    join: (userId) => {
      if (!members.includes(userId)) members.push(userId);
    },
    leave: (userId) => {
      members = members.filter((id) => id !== userId);
    },
    /** A new workspace cap from now on, and the busiest-second counters start over. */
    limitWorkspace(perSecond) {
      workspace = bucket(perSecond, perSecond);
      channelPeaks = new Map();
      workspacePeak = peakPerSecond();
      stats.peakChannelPerSecond = 0;
      stats.peakWorkspacePerSecond = 0;
    },
    async start() {
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      this.url = `http://127.0.0.1:${server.address().port}`;
    },
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
