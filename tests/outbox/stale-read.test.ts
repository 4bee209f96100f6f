import { describe, expect, it } from "vitest";
import { createDeliveryClient, enqueueMessage } from "../../src/outbox/index.js";
import type { Store } from "../../src/store/index.js";
import { deliverer, keyCounts, TEAM } from "../announce/helpers.js";
import { freshStore, KINDS, onCleanup } from "../store/contract/stores.js";
import { FakeSlack } from "../support/fake-slack.js";

/**
 * The deliverer reads due rows while its lanes are posting: on PostgreSQL the due query sees the rows as
 * they were when it started (READ COMMITTED, one snapshot per statement) and its answer arrives later, so
 * a row a lane claims, posts and marks sent in between comes back as `pending`, attempt 0, after its lane
 * has let go of it. Posting that copy doubles the message. Every row read is therefore a claim to be
 * confirmed against the database: only a row still pending at the attempt count it was read with is posted.
 */
/**
 * `store` with the interleaving pinned: the second due query is answered only after the row it read has
 * been claimed, posted and marked sent by the lane that already held it (and that lane has finished).
 */
function withSlowSecondRead(store: Store): Store {
  let reads = 0;
  let queried!: () => void;
  const secondReadTaken = new Promise<void>((resolve) => (queried = resolve));
  let sent!: () => void;
  const firstSent = new Promise<void>((resolve) => (sent = resolve));
  const outbox: Store["outbox"] = {
    ...store.outbox,
    async due(...args) {
      reads += 1;
      const rows = await store.outbox.due(...args);
      if (reads === 2) {
        queried();
        await firstSent;
        // Let the lane finish (it forgets the row once deliver() returns).
        await new Promise((resolve) => setImmediate(resolve));
      }
      return rows;
    },
    async markSending(...args) {
      await secondReadTaken;
      return store.outbox.markSending(...args);
    },
    async markSent(...args) {
      await store.outbox.markSent(...args);
      sent();
    },
  };
  return { ...store, outbox };
}

describe.each(KINDS)("a due row read before its lane posted it (%s)", (kind) => {
  it("is posted once: the stale copy is not claimed", async () => {
    const fake = new FakeSlack();
    await fake.start();
    onCleanup(() => fake.stop());
    const store = await freshStore(kind);
    await enqueueMessage(
      store,
      { key: "stale:C1", kind: "t", teamId: TEAM, channelId: "C1", payload: { text: "once" } },
      new Date(),
    );
    // batchSize 1: the first read fills the batch, so the loop reads again while the row's lane runs.
    const stats = await deliverer(withSlowSecondRead(store), fake, { batchSize: 1, lingerMs: 0 }).drain();
    expect(keyCounts(fake).get("stale:C1")).toBe(1);
    expect(stats.sent).toBe(1);
    expect(await store.outbox.get("stale:C1")).toMatchObject({ status: "sent", attempts: 1 });
  });
  it("a stale copy held back behind a 429 does not bring the sent row back to pending", async () => {
    // Slack's own pace: one message per second in a channel, so the channel's next post gets a 429.
    const fake = new FakeSlack({ perChannelPerSecond: 1, perChannelBurst: 1 });
    await fake.start();
    onCleanup(() => fake.stop());
    const store = await freshStore(kind);
    const enqueue = (key: string) =>
      enqueueMessage(
        store,
        { key, kind: "t", teamId: TEAM, channelId: "C1", payload: { text: key } },
        new Date(),
      );
    await enqueue("first");
    await enqueue("second");
    // The first read's answer arrives after another delivery (a lane, another instance) posted "second".
    let reads = 0;
    const racing: Store = {
      ...store,
      outbox: {
        ...store.outbox,
        async due(...args) {
          const rows = await store.outbox.due(...args);
          reads += 1;
          if (reads === 1) {
            const row = (await store.outbox.get("second"))!;
            await store.outbox.markSending(row.id, 0, new Date());
            const res = await createDeliveryClient("xoxb-test", fake.apiUrl).chat.postMessage({
              channel: "C1",
              text: "second",
              metadata: row.payload.metadata as never,
            });
            await store.outbox.markSent(row.id, String(res.ts), new Date());
          }
          return rows;
        },
      },
    };
    // "first" gets the 429 and its lane holds "second" (the stale copy) back with it.
    await deliverer(racing, fake, { lingerMs: 5_000 }).drain();
    expect(keyCounts(fake).get("first")).toBe(1);
    expect(keyCounts(fake).get("second")).toBe(1);
    expect(await store.outbox.get("second")).toMatchObject({ status: "sent", attempts: 1 });
  });
});
