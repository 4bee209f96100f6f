// A minimal loopback Slack Web API for bench/reminders.mjs: users (users.info, users.list), one big
// channel, chat.postMessage with a workspace-wide rate limit (HTTP 429 + Retry-After), response_url sink.
import { createServer } from "node:http";

/** A minimal loopback Slack Web API: users, a 5,000-member channel, paced chat.postMessage, response_url sink. */
export function fakeSlack({ people, zones, postsPerSecond }) {
  const users = new Map(
    Array.from({ length: people }, (_, i) => [`U${String(i).padStart(8, "0")}`, zones[i % zones.length]]),
  );
  users.set("U0BOT", "UTC");
  const members = [...users.keys()];
  let tokens = postsPerSecond;
  let last = Date.now();
  const stats = { posts: 0, rateLimited: 0, responses: 0 };
  const answer = (method, args) => {
    switch (method) {
      case "auth.test":
        return { ok: true, team_id: "T0BENCH", user_id: "UBOT", bot_id: "BBOT" };
      case "users.info": {
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
      case "conversations.members":
        return { ok: true, members, response_metadata: { next_cursor: "" } };
      case "chat.postMessage": {
        const now = Date.now();
        tokens = Math.min(postsPerSecond, tokens + ((now - last) / 1000) * postsPerSecond);
        last = now;
        if (tokens < 1) {
          stats.rateLimited += 1;
          return 429;
        }
        tokens -= 1;
        stats.posts += 1;
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
