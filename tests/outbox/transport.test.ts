import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDeliveryClient } from "../../src/outbox/index.js";
import { slackFailure } from "../../src/slack/index.js";

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
}

const failureOf = async (p: Promise<unknown>) =>
  slackFailure(
    await p.then(
      () => undefined,
      (e: unknown) => e,
    ),
  );

describe("the deliverer's transport (undici request behind web-api's fetch option)", () => {
  it("sends the form body and token, and reads Slack's JSON answer", async () => {
    let seen: { auth?: string; type?: string; body?: string } = {};
    const url = await serve((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen = { auth: req.headers.authorization, type: req.headers["content-type"], body };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, channel: "C1", ts: "1.000001" }));
      });
    });
    const res = await createDeliveryClient("xoxb-t", url).chat.postMessage({
      channel: "C1",
      text: "hi & bye",
    });
    expect(res.ts).toBe("1.000001");
    expect(seen.auth).toBe("Bearer xoxb-t");
    expect(seen.type).toMatch(/application\/x-www-form-urlencoded/);
    expect(new URLSearchParams(seen.body).get("text")).toBe("hi & bye");
  });

  it("a 429's Retry-After reaches the client as a rate limit", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(429, { "retry-after": "7", "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
    });
    const f = await failureOf(
      createDeliveryClient("xoxb-t", url).chat.postMessage({ channel: "C1", text: "x" }),
    );
    expect(f).toEqual({ kind: "rate-limited", retryAfterSec: 7 });
  });

  it("a refused connection is a network failure with its code, a slow answer a timeout", async () => {
    const closed = await serve((_req, res) => res.end());
    server?.close();
    server = undefined;
    const refused = await failureOf(
      createDeliveryClient("xoxb-t", closed).chat.postMessage({ channel: "C1", text: "x" }),
    );
    expect(refused).toEqual({ kind: "network", reason: "ECONNREFUSED" });

    const slow = await serve(() => {}); // never answers
    const timedOut = await failureOf(
      createDeliveryClient("xoxb-t", slow, { timeoutMs: 200 }).chat.postMessage({ channel: "C1", text: "x" }),
    );
    expect(timedOut).toEqual({ kind: "network", reason: "timeout" });
  });

  it("an HTML page with HTTP 200 is unreadable, not a refusal", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>proxy error</html>");
    });
    const f = await failureOf(
      createDeliveryClient("xoxb-t", url).chat.postMessage({ channel: "C1", text: "x" }),
    );
    expect(f.kind).toBe("unreadable");
  });
});
