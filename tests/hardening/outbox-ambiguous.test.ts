import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { classify } from "../../src/outbox/errors.js";
import type { Store } from "../../src/store/index.js";
import { deliverer, fanOut, keyCounts, openStore, subscribe } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";

/**
 * Issue 8 item 7: an answer from Slack that is not Slack's JSON (a proxy's HTML page with HTTP 200,
 * truncated JSON, `null`) says nothing about whether the message was posted. It is retried after a
 * history check: never failed for good, never posted twice.
 */

const HTML = "<!doctype html><html><body><h1>502 Bad Gateway</h1><p>https://slack.com/api/</p></body></html>";
const TRUNCATED = '{"ok":true,"channel":"C1","ts":"17000';

let fake: FakeSlack;
let store: Store;
beforeEach(async () => {
  fake = new FakeSlack();
  await fake.start();
  store = await openStore();
});
afterEach(async () => {
  await store.close();
  await fake.stop();
});

const drainAll = async () => {
  const d = deliverer(store, fake, { lingerMs: 2_000 });
  const stats = { sent: 0, recovered: 0, failed: 0 };
  for (let i = 0; i < 5; i += 1) {
    const s = await d.drain();
    stats.sent += s.sent;
    stats.recovered += s.recovered;
    stats.failed += s.failed;
    if ((await store.outbox.counts()).pending === 0) break;
  }
  return stats;
};

describe("non-JSON answers from Slack", () => {
  it.each([
    ["an HTML page with 200", HTML, "text/html"],
    ["truncated JSON", TRUNCATED, "application/json"],
    ["null", "null", "application/json"],
  ])(
    "chat.postMessage answered with %s before posting: retried, delivered once",
    async (_l, body, contentType) => {
      await subscribe(store, "C1");
      await fanOut(store, ["C1"]);
      fake.inject("chat.postMessage", { kind: "body", body, contentType }, { times: 2 });
      const stats = await drainAll();
      expect(stats.failed).toBe(0);
      expect(await store.outbox.counts()).toMatchObject({ sent: 1, failed: 0 });
      expect(keyCounts(fake).get("test:a1:C1")).toBe(1);
    },
  );

  it.each([
    ["an HTML page with 200", HTML, "text/html"],
    ["truncated JSON", TRUNCATED, "application/json"],
  ])("posted, but the answer was %s: found in history, not posted again", async (_l, body, contentType) => {
    await subscribe(store, "C1");
    await fanOut(store, ["C1"]);
    fake.inject("chat.postMessage", { kind: "body", body, contentType, processed: true });
    const stats = await drainAll();
    expect(stats).toMatchObject({ recovered: 1, failed: 0 });
    expect(fake.messagesIn("C1")).toHaveLength(1);
  });

  it("a history check answered with invalid JSON is retried, not taken as 'not posted'", async () => {
    await subscribe(store, "C1");
    await fanOut(store, ["C1"]);
    fake.inject("chat.postMessage", { kind: "body", body: HTML, processed: true });
    fake.inject("conversations.history", { kind: "body", body: TRUNCATED, contentType: "application/json" });
    fake.inject("conversations.history", { kind: "body", body: HTML });
    const stats = await drainAll();
    expect(fake.callsTo("conversations.history").length).toBeGreaterThanOrEqual(3);
    expect(stats).toMatchObject({ recovered: 1, failed: 0 });
    expect(fake.messagesIn("C1")).toHaveLength(1);
  });

  it("the error kept on the row is a category, never the page or a URL", async () => {
    const platform = (error: unknown) => ({
      code: "slack_webapi_platform_error",
      data: { ok: false, error },
    });
    const failure = classify(platform(HTML));
    expect(failure).toEqual({ type: "transient", error: "unreadable answer (not JSON)" });
    const network = classify({
      code: "slack_webapi_request_error",
      original: Object.assign(new Error("fetch failed (url: http://127.0.0.1:9/api/chat.postMessage)"), {
        cause: { code: "ECONNREFUSED" },
      }),
    });
    expect(network).toEqual({ type: "transient", error: "network: ECONNREFUSED" });
  });
});
