import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlockLimitError } from "../../src/blocks/limits.js";
import { enqueueMessage, METADATA_EVENT_TYPE } from "../../src/outbox/index.js";
import type { Store } from "../../src/store/index.js";
import { deliverer, fanOut, keyCounts, openStore, subscribe, TEAM } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";

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

const channels = (n: number, prefix = "C") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);

/** The most posts that reached the fake within any `windowMs`. */
function mostArrivalsWithin(windowMs: number): number {
  const at = fake.callsTo("chat.postMessage").map((c) => c.at);
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i += 1) {
    while ((at[i] as number) - (at[j] as number) >= windowMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

function expectExactlyOnce(keys: readonly string[]) {
  const counts = keyCounts(fake);
  for (const key of keys) expect(counts.get(key), key).toBe(1);
  expect(fake.messages.length).toBe(keys.length);
}

describe("deliverer", () => {
  it("posts each row once, with the idempotency key in message metadata, and marks it sent", async () => {
    const targets = channels(5);
    for (const c of targets) await subscribe(store, c);
    await fanOut(store, targets);
    const stats = await deliverer(store, fake).drain();
    expect(stats).toMatchObject({ sent: 5, failed: 0 });
    expectExactlyOnce(targets.map((c) => `test:a1:${c}`));
    expect(fake.messages[0]?.metadata?.event_type).toBe(METADATA_EVENT_TYPE);
    expect(await store.outbox.counts()).toMatchObject({ sent: 5, pending: 0 });
    const row = await store.outbox.get(`test:a1:${targets[0]}`);
    expect(row?.postedTs).toBe(fake.messagesIn(targets[0]!)[0]?.ts);
    // A second drain finds nothing to do.
    expect((await deliverer(store, fake).drain()).sent).toBe(0);
    expect(fake.messages.length).toBe(5);
  });

  it("paces a channel at its rate without hitting 429", async () => {
    await fake.stop();
    fake = new FakeSlack({ perChannelPerSecond: 4, perChannelBurst: 1 });
    await fake.start();
    await subscribe(store, "CBUSY");
    for (const tag of ["a", "b", "c", "d"]) await fanOut(store, ["CBUSY"], tag);
    const started = Date.now();
    await deliverer(store, fake, {
      pacing: { channel: { perSecond: 3.8, burst: 1 }, workspace: { perSecond: 100, burst: 10 } },
    }).drain();
    expect(fake.messagesIn("CBUSY").map((m) => m.text)).toEqual([
      "Announcement a",
      "Announcement b",
      "Announcement c",
      "Announcement d",
    ]);
    expect(fake.rateLimited429s).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it("never has more posts on their way than the workspace's burst, however many lanes are allowed", async () => {
    const targets = channels(12);
    for (const c of targets) await subscribe(store, c);
    await fanOut(store, targets);
    // Every answer takes 300 ms: a post arrives only once an earlier one is answered, so the arrivals within
    // any 250 ms are the posts that were in flight together.
    fake.inject("chat.postMessage", { kind: "delay", ms: 300 }, { times: targets.length });
    const stats = await deliverer(store, fake, {
      concurrency: 16,
      pacing: { channel: { perSecond: 20, burst: 5 }, workspace: { perSecond: 500, burst: 3 } },
    }).drain();
    expect(stats.sent).toBe(targets.length);
    // The bucket alone (3 + 500/s) would let all 12 go at once.
    expect(mostArrivalsWithin(250)).toBeLessThanOrEqual(3);
  });

  it("survives 429 + Retry-After, 500s, resets and lost answers during a fan-out: everything exactly once", async () => {
    const targets = channels(30);
    for (const c of targets) await subscribe(store, c);
    await fanOut(store, targets);
    fake.inject("chat.postMessage", { kind: "http", status: 429, retryAfter: 1 }, { times: 3 });
    fake.inject("chat.postMessage", { kind: "http", status: 500 }, { times: 3, channel: "C0005" });
    fake.inject("chat.postMessage", { kind: "reset" }, { times: 2, channel: "C0007" });
    // Slack posts the message but its answer is lost: the retry must find it in history. (A lost answer,
    // not a slow one against a short client timeout: under load any call can be slow, and each one that
    // timed out would be "recovered" too.)
    fake.inject("chat.postMessage", { kind: "lost" }, { times: 1, channel: "C0009" });
    const d = deliverer(store, fake);
    const stats = await d.drain();
    expect(fake.rateLimited429s).toBe(3);
    expect(stats.rateLimited).toBe(3);
    expect(stats.recovered).toBe(1);
    expectExactlyOnce(targets.map((c) => `test:a1:${c}`));
    expect(await store.outbox.counts()).toMatchObject({ sent: 30, pending: 0, failed: 0 });
    expect(fake.callsTo("conversations.history").length).toBeGreaterThan(0);
  });

  it("honours Retry-After: nothing is posted to the workspace before it has passed", async () => {
    await subscribe(store, "C1");
    await subscribe(store, "C2");
    await fanOut(store, ["C1", "C2"]);
    fake.inject("chat.postMessage", { kind: "http", status: 429, retryAfter: 1 }, { times: 1 });
    const started = Date.now();
    await deliverer(store, fake, { concurrency: 1 }).drain();
    const posts = fake.callsTo("chat.postMessage");
    expect(posts.length).toBe(3);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.messages.length).toBe(2);
  });

  it("channel_not_found pauses that subscription and tells its creator once, without blocking other channels", async () => {
    const dead = await subscribe(store, "CDEAD", "UCREATOR");
    for (const c of ["C1", "C2", "C3"]) await subscribe(store, c);
    fake.channelErrors.set("CDEAD", "channel_not_found");
    await fanOut(store, ["CDEAD", "C1", "C2", "C3"], "first");
    await fanOut(store, ["CDEAD"], "second");
    const stats = await deliverer(store, fake).drain();
    expect(stats.failed).toBe(2);
    expect(fake.messagesIn("C1").length + fake.messagesIn("C2").length + fake.messagesIn("C3").length).toBe(
      3,
    );
    expect(await store.subscriptions.get(dead.id)).toMatchObject({ pausedReason: "channel_not_found" });
    expect(await store.outbox.get("test:first:CDEAD")).toMatchObject({
      status: "failed",
      lastError: "channel_not_found",
    });
    const notices = fake.messagesIn("UCREATOR");
    expect(notices.length).toBe(1);
    expect(notices[0]?.blocks?.[0]).toMatchObject({
      text: { text: expect.stringContaining("/invite @ai-privacy") },
    });
    // Only one postMessage went to the dead channel: the second row failed without another call.
    expect(fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "CDEAD").length).toBe(1);
    // Later failures in the same pause add no notice.
    await fanOut(store, ["CDEAD"], "third");
    await deliverer(store, fake).drain();
    expect(fake.messagesIn("UCREATOR").length).toBe(1);
  });

  it("a message Slack refuses (invalid_blocks) fails and is reported, but the subscription stays", async () => {
    const sub = await subscribe(store, "C1", "UCREATOR");
    await fanOut(store, ["C1"]);
    fake.inject("chat.postMessage", { kind: "error", error: "invalid_blocks" }, { times: 1, channel: "C1" });
    await deliverer(store, fake).drain();
    expect((await store.outbox.get("test:a1:C1"))?.status).toBe("failed");
    expect((await store.subscriptions.get(sub.id))?.pausedAt).toBeNull();
    expect(fake.messagesIn("UCREATOR").length).toBe(1);
  });

  it("a refused token halts delivery and keeps every row pending (nothing lost, nothing paused)", async () => {
    const subs = await Promise.all(["C1", "C2", "C3"].map((c) => subscribe(store, c)));
    await fanOut(store, ["C1", "C2", "C3"]);
    fake.inject("chat.postMessage", { kind: "error", error: "invalid_auth" }, { times: 1 });
    const d = deliverer(store, fake, { concurrency: 1 });
    const stats = await d.drain();
    expect(stats.sent).toBe(0);
    expect(await store.outbox.counts()).toMatchObject({ pending: 3, failed: 0 });
    for (const s of subs) expect((await store.subscriptions.get(s.id))?.pausedAt).toBeNull();
    expect(d.logger.lines.some((l) => l.includes("invalid_auth"))).toBe(true);
  });

  it("gives up on a row after maxAttempts transient failures and reports it", async () => {
    await subscribe(store, "C1", "UCREATOR");
    await fanOut(store, ["C1"]);
    fake.inject("chat.postMessage", { kind: "http", status: 503 }, { times: 10, channel: "C1" });
    await deliverer(store, fake, { maxAttempts: 3 }).drain();
    expect(await store.outbox.get("test:a1:C1")).toMatchObject({ status: "failed", attempts: 3 });
    expect(fake.messagesIn("UCREATOR").length).toBe(1);
  });

  it("re-checks history for rows interrupted while sending: posted ones are not posted again", async () => {
    await subscribe(store, "C1");
    await subscribe(store, "C2");
    await fanOut(store, ["C1", "C2"]);
    // Simulate a crash: both rows were marked sending; Slack had already accepted C1's.
    const c1 = (await store.outbox.get("test:a1:C1"))!;
    const c2 = (await store.outbox.get("test:a1:C2"))!;
    await store.outbox.markSending(c1.id, 0, new Date());
    await store.outbox.markSending(c2.id, 0, new Date());
    const client = (await import("../../src/outbox/index.js")).createDeliveryClient("xoxb-test", fake.apiUrl);
    await client.chat.postMessage({
      channel: "C1",
      text: c1.payload.text,
      metadata: c1.payload.metadata as never,
    });
    const stats = await deliverer(store, fake).drain();
    expect(stats).toMatchObject({ recovered: 1, sent: 1 });
    expectExactlyOnce(["test:a1:C1", "test:a1:C2"]);
    expect((await store.outbox.get("test:a1:C1"))?.postedTs).toBe(fake.messagesIn("C1")[0]?.ts);
  });

  it("puts the key in the metadata of rows enqueued without enqueueMessage, so a crash cannot double them either", async () => {
    const payload = {
      text: "Your reminder",
      metadata: { event_type: "ai_privacy_reminder", event_payload: { state_id: 7 } },
    };
    await store.outbox.enqueue(
      { key: "reminder:7:1", kind: "reminder", teamId: TEAM, channelId: "UBOB", payload },
      new Date(),
    );
    const row = (await store.outbox.get("reminder:7:1"))!;
    await store.outbox.markSending(row.id, 0, new Date());
    // Recovers the interrupted row (not in history yet, so posts it), then fails to record Slack's ok, as a
    // crash between the ok and the commit would: the row is left maybe posted.
    const noCommit: Store = {
      ...store,
      outbox: {
        ...store.outbox,
        markSent: () => Promise.reject(new Error("connection lost before the commit")),
      },
    };
    await deliverer(noCommit, fake, { lingerMs: 0 }).drain();
    expect(fake.messagesIn("UBOB")[0]?.metadata).toEqual({
      event_type: "ai_privacy_reminder",
      event_payload: { state_id: 7, key: "reminder:7:1" },
    });
    expect(await store.outbox.get("reminder:7:1")).toMatchObject({ status: "pending", maybePosted: true });
    await store.outbox.markRetry(
      row.id,
      { status: "pending", attempts: 2 },
      "interrupted while sending",
      new Date(),
      new Date(),
      true,
    );
    // The key in the metadata finds it.
    const second = await deliverer(store, fake).drain();
    expect(second).toMatchObject({ recovered: 1, sent: 0 });
    expect(fake.messagesIn("UBOB").length).toBe(1);
  });

  it("posts thread replies under the parent's ts, after the parent", async () => {
    await enqueueMessage(
      store,
      {
        key: "child",
        kind: "t",
        teamId: TEAM,
        channelId: "C1",
        payload: { text: "reply" },
        threadOf: "parent",
      },
      new Date(),
    );
    await enqueueMessage(
      store,
      { key: "parent", kind: "t", teamId: TEAM, channelId: "C1", payload: { text: "parent" } },
      new Date(),
    );
    await deliverer(store, fake).drain();
    const [parent, child] = fake.messagesIn("C1");
    expect(parent?.text).toBe("parent");
    expect(child).toMatchObject({ text: "reply", thread_ts: parent?.ts });
  });

  it("stop() lets the call in flight finish and be recorded, and leaves the rest pending", async () => {
    const targets = channels(6);
    for (const c of targets) await subscribe(store, c);
    await fanOut(store, targets);
    fake.inject("chat.postMessage", { kind: "delay", ms: 300 }, { times: 1 });
    const d = deliverer(store, fake, { concurrency: 1 });
    const draining = d.drain();
    await new Promise((r) => setTimeout(r, 100));
    await d.stop();
    await draining;
    expect(fake.messages.length).toBe(1);
    expect(await store.outbox.counts()).toMatchObject({ sent: 1, pending: 5, sending: 0 });
  });

  it("withdraws rows whose subscription was removed before delivery", async () => {
    await subscribe(store, "C1");
    await subscribe(store, "C2");
    await fanOut(store, ["C1", "C2"]);
    await store.subscriptions.remove(TEAM, "C1", "all");
    await deliverer(store, fake).drain();
    expect(fake.messages.map((m) => m.channel)).toEqual(["C2"]);
    expect(await store.outbox.get("test:a1:C1")).toMatchObject({
      status: "cancelled",
      lastError: "unsubscribed before delivery",
    });
  });

  it("refuses to enqueue a message Slack would reject", async () => {
    const tooLong = {
      text: "x",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "y".repeat(3001) } }],
    };
    expect(() =>
      enqueueMessage(
        store,
        { key: "k", kind: "t", teamId: TEAM, channelId: "C1", payload: tooLong },
        new Date(),
      ),
    ).toThrow(BlockLimitError);
    expect(await store.outbox.get("k")).toBeUndefined();
  });
});
