import { describe, expect, it } from "vitest";
import type { NewOutboxMessage } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

/** A row as read before any attempt. */
const PENDING = { status: "pending", attempts: 0 } as const;

const msg = (key: string, extra: Partial<NewOutboxMessage> = {}): NewOutboxMessage => ({
  key,
  kind: "test",
  teamId: "T1",
  channelId: "C1",
  payload: { text: key },
  ...extra,
});

describe.each(KINDS)("outbox contract (%s)", (kind) => {
  it("enqueues a key once and round-trips every field exactly", async () => {
    const store = await freshStore(kind);
    const payload = {
      text: "hello <b>",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "ü 隐私 :wave:" }, z: 1, a: 2 }],
      metadata: { event_type: "ai_privacy", event_payload: { key: "k1", n: 3 } },
      unfurl_links: false,
    };
    expect(
      await store.outbox.enqueue(
        msg("k1", { payload, threadOf: "parent", notifyUserId: "U9", subscriptionId: 7, notBefore: at(5) }),
        at(1),
      ),
    ).toBe(true);
    expect(await store.outbox.enqueue(msg("k1", { channelId: "C2" }), at(2))).toBe(false);
    const row = await store.outbox.get("k1");
    expect(row).toEqual({
      id: expect.any(Number),
      key: "k1",
      kind: "test",
      teamId: "T1",
      channelId: "C1",
      threadOf: "parent",
      payload,
      notifyUserId: "U9",
      subscriptionId: 7,
      status: "pending",
      attempts: 0,
      nextAttemptAt: at(5),
      lastError: null,
      maybePosted: false,
      postedTs: null,
      createdAt: at(1),
      updatedAt: at(1),
    });
    // Key order inside the JSON is kept (TEXT, not jsonb).
    expect(JSON.stringify(row?.payload)).toBe(JSON.stringify(payload));
    expect(await store.outbox.get("missing")).toBeUndefined();
    await store.outbox.enqueue(msg("k2"), at(3));
    expect((await store.outbox.get("k2"))?.nextAttemptAt).toEqual(at(3));
  });

  it("enqueues many at once: new keys written (more than one statement's worth), known and repeated keys skipped", async () => {
    const store = await freshStore(kind);
    await store.outbox.enqueue(msg("known", { channelId: "C0" }), at(0));
    const many = Array.from({ length: 1201 }, (_, i) => msg(`m${i}`, { notBefore: at(i % 3) }));
    const written = await store.outbox.enqueueMany(
      [...many, msg("known", { channelId: "C9" }), msg("m0", { channelId: "C9" })],
      at(1),
    );
    expect(written).toEqual(new Set(many.map((m) => m.key)));
    expect((await store.outbox.get("known"))?.channelId).toBe("C0");
    expect(await store.outbox.get("m0")).toMatchObject({
      channelId: "C1",
      nextAttemptAt: at(0),
      createdAt: at(1),
    });
    expect(await store.outbox.get("m1200")).toMatchObject({
      payload: { text: "m1200" },
      nextAttemptAt: at(0),
    });
    expect(await store.outbox.enqueueMany([msg("m5")], at(2))).toEqual(new Set());
    expect(await store.outbox.enqueueMany([], at(2))).toEqual(new Set());
  });

  it("due: pending and due only, by time then id, limited; replies after their parent is sent or failed", async () => {
    const store = await freshStore(kind);
    await store.outbox.enqueue(msg("late", { notBefore: at(30) }), at(0));
    await store.outbox.enqueue(msg("b", { notBefore: at(2) }), at(0));
    await store.outbox.enqueue(msg("a", { notBefore: at(1) }), at(0));
    await store.outbox.enqueue(msg("a2", { notBefore: at(1) }), at(0));
    await store.outbox.enqueue(msg("reply", { threadOf: "b", notBefore: at(1) }), at(0));
    await store.outbox.enqueue(msg("orphan", { threadOf: "nobody", notBefore: at(3) }), at(0));
    await store.outbox.enqueue(msg("other-team", { teamId: "T2", notBefore: at(1) }), at(0));
    const keys = async (limit = 10, team?: string) =>
      (await store.outbox.due(at(10), limit, team)).map((r) => r.key);
    expect(await keys()).toEqual(["a", "a2", "other-team", "b", "orphan"]);
    expect(await keys(2)).toEqual(["a", "a2"]);
    expect(await keys(10, "T2")).toEqual(["other-team"]);
    const b = await store.outbox.get("b");
    await store.outbox.markSending(b?.id ?? 0, 0, at(10));
    expect(await keys()).not.toContain("b");
    await store.outbox.markSent(b?.id ?? 0, "111.222", at(10));
    expect(await keys()).toEqual(["a", "a2", "reply", "other-team", "orphan"]);
    await store.outbox.enqueue(msg("p2", { notBefore: at(1) }), at(0));
    await store.outbox.enqueue(msg("r2", { threadOf: "p2", notBefore: at(1) }), at(0));
    const p2 = await store.outbox.get("p2");
    await store.outbox.markFailed(p2?.id ?? 0, PENDING, "channel_not_found", at(10));
    expect(await keys()).toContain("r2");
  });

  it("markSending claims a row only while it is pending at the attempt count it was read with", async () => {
    const store = await freshStore(kind);
    await store.outbox.enqueue(msg("k"), at(0));
    const read = (await store.outbox.get("k"))!;
    // Two readers of the same copy (a lane and a later query's stale answer, or two instances): one wins.
    const claims = await Promise.all([
      store.outbox.markSending(read.id, read.attempts, at(1)),
      store.outbox.markSending(read.id, read.attempts, at(1)),
    ]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await store.outbox.get("k")).toMatchObject({ status: "sending", attempts: 1 });
    // Sent since the read: the copy is not claimed, the row stays sent.
    await store.outbox.markSent(read.id, "1.1", at(2));
    expect(await store.outbox.markSending(read.id, read.attempts, at(3))).toBe(false);
    expect(await store.outbox.get("k")).toMatchObject({ status: "sent", attempts: 1, postedTs: "1.1" });
    // Back to pending after an ambiguous attempt: only a copy read since (attempt 1, maybe posted) claims it.
    await store.outbox.enqueue(msg("m"), at(0));
    const m = (await store.outbox.get("m"))!;
    expect(await store.outbox.markSending(m.id, 0, at(1))).toBe(true);
    await store.outbox.markRetry(m.id, { status: "sending", attempts: 1 }, "timeout", at(2), at(1), true);
    expect(await store.outbox.markSending(m.id, 0, at(3))).toBe(false);
    expect(await store.outbox.markSending(m.id, 1, at(3))).toBe(true);
    expect(await store.outbox.get("m")).toMatchObject({ status: "sending", attempts: 2 });
  });

  it("status transitions: sending counts attempts, retry keeps maybe-posted, sent clears it, failed keeps the error", async () => {
    const store = await freshStore(kind);
    await store.outbox.enqueue(msg("k"), at(0));
    const id = (await store.outbox.get("k"))?.id ?? 0;
    await store.outbox.markSending(id, 0, at(1));
    expect(await store.outbox.get("k")).toMatchObject({ status: "sending", attempts: 1, updatedAt: at(1) });
    const sending1 = { status: "sending", attempts: 1 } as const;
    expect(await store.outbox.markRetry(id, sending1, "timeout", at(9), at(2), true)).toBe(true);
    expect(await store.outbox.get("k")).toMatchObject({
      status: "pending",
      lastError: "timeout",
      nextAttemptAt: at(9),
      maybePosted: true,
      updatedAt: at(2),
    });
    // Deferred without being posted (held back behind a 429): the earlier attempt's "maybe" stands.
    const pending1 = { status: "pending", attempts: 1 } as const;
    expect(await store.outbox.markRetry(id, pending1, "waiting", at(9), at(3))).toBe(true);
    expect(await store.outbox.get("k")).toMatchObject({ lastError: "waiting", maybePosted: true });
    await store.outbox.markSending(id, 1, at(9));
    // This attempt's own 429 (its history check came first): that attempt did not post.
    const sending2 = { status: "sending", attempts: 2 } as const;
    expect(await store.outbox.markRetry(id, sending2, "ratelimited", at(12), at(10))).toBe(true);
    expect(await store.outbox.get("k")).toMatchObject({ attempts: 2, maybePosted: false });
    // A write from a state the row has left (a stale copy, the previous attempt) changes nothing.
    expect(await store.outbox.markRetry(id, sending2, "timeout", at(12), at(10), true)).toBe(false);
    expect(await store.outbox.markFailed(id, pending1, "not_in_channel", at(10))).toBe(false);
    expect(await store.outbox.get("k")).toMatchObject({ status: "pending", lastError: "ratelimited" });
    await store.outbox.markSent(id, "1.2", at(13));
    // Sent is final for every writer still holding an older copy.
    expect(await store.outbox.markRetry(id, { status: "pending", attempts: 2 }, "x", at(14), at(14))).toBe(
      false,
    );
    expect(await store.outbox.markFailed(id, { status: "pending", attempts: 2 }, "x", at(14))).toBe(false);
    expect(await store.outbox.get("k")).toMatchObject({
      status: "sent",
      postedTs: "1.2",
      lastError: null,
      maybePosted: false,
    });
    await store.outbox.enqueue(msg("f"), at(0));
    const f = (await store.outbox.get("f"))?.id ?? 0;
    await store.outbox.markFailed(f, PENDING, "not_in_channel", at(3));
    expect(await store.outbox.get("f")).toMatchObject({
      status: "failed",
      lastError: "not_in_channel",
      updatedAt: at(3),
    });
  });

  it("recoverInterrupted with a settle window holds back only rows claimed within it", async () => {
    const store = await freshStore(kind);
    await store.outbox.enqueue(msg("old"), at(0));
    await store.outbox.enqueue(msg("fresh"), at(0));
    await store.outbox.markSending((await store.outbox.get("old"))?.id ?? 0, 0, at(1));
    await store.outbox.markSending((await store.outbox.get("fresh"))?.id ?? 0, 0, at(9));
    // At minute 10 with a 2-minute window: "fresh" (claimed at 9) may still be in flight, "old" cannot.
    expect(await store.outbox.recoverInterrupted(at(10), undefined, 2 * 60_000)).toBe(2);
    expect(await store.outbox.get("fresh")).toMatchObject({ status: "pending", nextAttemptAt: at(12) });
    expect(await store.outbox.get("old")).toMatchObject({ status: "pending", nextAttemptAt: at(0) });
    expect((await store.outbox.due(at(10), 10)).map((r) => r.key)).toEqual(["old"]);
  });

  it("recoverInterrupted turns 'sending' into maybe-posted pending rows, optionally for one team", async () => {
    const store = await freshStore(kind);
    for (const [key, team] of [
      ["a", "T1"],
      ["b", "T2"],
      ["c", "T2"],
      ["d", "T1"],
    ] as const) {
      await store.outbox.enqueue(msg(key, { teamId: team }), at(0));
      if (key !== "d") await store.outbox.markSending((await store.outbox.get(key))?.id ?? 0, 0, at(1));
    }
    expect(await store.outbox.recoverInterrupted(at(2), "T2")).toBe(2);
    expect(await store.outbox.get("b")).toMatchObject({
      status: "pending",
      maybePosted: true,
      lastError: "interrupted while sending",
      updatedAt: at(2),
    });
    expect((await store.outbox.get("a"))?.status).toBe("sending");
    expect(await store.outbox.recoverInterrupted(at(3))).toBe(1);
    expect(await store.outbox.get("d")).toMatchObject({
      status: "pending",
      maybePosted: false,
      lastError: null,
    });
  });

  it("list, counts, forPerson, cancel, cancelForRecipient and purgeFinishedBefore", async () => {
    const store = await freshStore(kind);
    await store.outbox.enqueue(msg("dm1", { channelId: "U7" }), at(0));
    await store.outbox.enqueue(msg("dm2", { channelId: "U7" }), at(0));
    await store.outbox.enqueue(msg("notify", { notifyUserId: "U7" }), at(0));
    await store.outbox.enqueue(msg("plain"), at(0));
    await store.outbox.enqueue(msg("old"), at(0));
    const id = async (key: string) => (await store.outbox.get(key))?.id ?? 0;
    await store.outbox.markSending(await id("dm2"), 0, at(1));
    await store.outbox.markSent(await id("dm2"), "1.1", at(1));
    await store.outbox.markSent(await id("old"), "1.2", at(0));
    expect((await store.outbox.list({})).map((r) => r.key)).toEqual(["old", "plain", "notify", "dm2", "dm1"]);
    expect((await store.outbox.list({ status: "pending", limit: 2 })).map((r) => r.key)).toEqual([
      "plain",
      "notify",
    ]);
    expect(await store.outbox.counts()).toEqual({ pending: 3, sending: 0, sent: 2, failed: 0, cancelled: 0 });
    await store.outbox.enqueue(msg("dm-other-team", { teamId: "T2", channelId: "U7" }), at(0));
    // Per workspace: the same (Enterprise Grid) user ID in T2 is not this workspace's person.
    expect((await store.outbox.forPerson("T1", "U7")).map((r) => r.key)).toEqual(["notify", "dm2", "dm1"]);
    expect((await store.outbox.forPerson("T2", "U7")).map((r) => r.key)).toEqual(["dm-other-team"]);
    expect(await store.outbox.cancelForRecipient("T1", "U7", at(2))).toBe(1);
    expect((await store.outbox.get("dm1"))?.status).toBe("cancelled");
    expect((await store.outbox.get("dm-other-team"))?.status).toBe("pending");
    expect((await store.outbox.get("dm2"))?.status).toBe("sent");
    await store.outbox.cancel(await id("plain"), "unsubscribed", at(3));
    await store.outbox.cancel(await id("dm2"), "too late", at(3));
    expect(await store.outbox.get("plain")).toMatchObject({ status: "cancelled", lastError: "unsubscribed" });
    expect(await store.outbox.get("dm2")).toMatchObject({ status: "sent", lastError: null });
    expect(await store.outbox.purgeFinishedBefore(at(2))).toBe(2);
    expect((await store.outbox.list({})).map((r) => r.key).sort()).toEqual([
      "dm-other-team",
      "dm1",
      "notify",
      "plain",
    ]);
    expect(await store.outbox.purgeFinishedBefore(at(4))).toBe(2);
    expect((await store.outbox.list({})).map((r) => r.key)).toEqual(["dm-other-team", "notify"]);
  });
});
