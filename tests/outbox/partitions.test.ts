import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryPartitions } from "../../src/coordination/index.js";
import { createDeliveryClient, enqueueMessage, HANDOVER_SETTLE_MS } from "../../src/outbox/index.js";
import type { Store } from "../../src/store/index.js";
import { deliverer, fanOut, openStore, subscribe, TEAM } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";

const OTHER = "T0OTHER";

/** Partitions as a coordinator would hand them out: this instance holds only the workspaces in `held`. */
function holding(...held: string[]) {
  return holdingShared(false, ...held);
}

function holdingShared(shared: boolean, ...held: string[]) {
  const recovered = new Set<string>();
  let inFlight = 0;
  const partitions: DeliveryPartitions & { held: Set<string>; inFlight: () => number } = {
    shared,
    held: new Set(held),
    inFlight: () => inFlight,
    claim(teams) {
      const deliver = [...new Set(teams)].filter((t) => partitions.held.has(t));
      return { deliver, recover: deliver.filter((t) => !recovered.has(t)) };
    },
    markRecovered: (teams) => {
      for (const t of teams) recovered.add(t);
    },
    enter(team) {
      if (!partitions.held.has(team) || !recovered.has(team)) return false;
      inFlight += 1;
      return true;
    },
    leave: () => {
      inFlight -= 1;
    },
  };
  return partitions;
}

describe("deliverer with delivery partitions", () => {
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

  const enqueueFor = async (teamId: string, channelId: string) =>
    enqueueMessage(
      store,
      { key: `test:${teamId}:${channelId}`, kind: "deadline", teamId, channelId, payload: { text: "Hello" } },
      new Date(),
    );

  it("posts only the workspaces whose partition it holds; the others' rows stay pending", async () => {
    await enqueueFor(TEAM, "C1");
    await enqueueFor(OTHER, "C2");
    const partitions = holding(TEAM);
    const stats = await deliverer(store, fake, { partitions, lingerMs: 0 }).drain();
    expect(stats.sent).toBe(1);
    expect(fake.messagesIn("C1").length).toBe(1);
    expect(fake.messagesIn("C2").length).toBe(0);
    expect((await store.outbox.get(`test:${OTHER}:C2`))?.status).toBe("pending");
    expect(partitions.inFlight()).toBe(0);
    // The partition moves here: the row goes out now.
    partitions.held.add(OTHER);
    await deliverer(store, fake, { partitions, lingerMs: 0 }).drain();
    expect(fake.messagesIn("C2").length).toBe(1);
  });

  it("a partition taken over: rows the dead holder left in `sending` are checked against history, never doubled", async () => {
    await subscribe(store, "C1");
    await subscribe(store, "C2");
    await fanOut(store, ["C1", "C2"]);
    // The previous holder marked both rows sending and died; Slack had accepted C1's.
    const c1 = (await store.outbox.get("test:a1:C1"))!;
    const c2 = (await store.outbox.get("test:a1:C2"))!;
    await store.outbox.markSending(c1.id, 0, new Date());
    await store.outbox.markSending(c2.id, 0, new Date());
    await createDeliveryClient("xoxb-test", fake.apiUrl).chat.postMessage({
      channel: "C1",
      text: c1.payload.text,
      metadata: c1.payload.metadata as never,
    });
    // Not ours yet: nothing is touched (the holder may still be posting).
    const partitions = holding();
    await deliverer(store, fake, { partitions, lingerMs: 0 }).drain();
    expect((await store.outbox.get("test:a1:C2"))?.status).toBe("sending");
    partitions.held.add(TEAM);
    const stats = await deliverer(store, fake, { partitions, lingerMs: 0 }).drain();
    expect(stats).toMatchObject({ recovered: 1, sent: 1 });
    expect(fake.messagesIn("C1").length).toBe(1);
    expect(fake.messagesIn("C2").length).toBe(1);
  });

  it("taken over from another instance: a row it claimed moments ago waits until that post has landed, then is found in history", async () => {
    await subscribe(store, "C1");
    await fanOut(store, ["C1"]);
    const claimedAt = new Date("2026-12-02T10:00:00Z");
    const row = (await store.outbox.get("test:a1:C1"))!;
    // The other instance claimed the row, lost its lock, and its post is still on the wire.
    await store.outbox.markSending(row.id, 0, claimedAt);
    const partitions = holdingShared(true, TEAM);
    const takeOver = new Date(claimedAt.getTime() + 2_000);
    const first = await deliverer(store, fake, { partitions, lingerMs: 0, now: () => takeOver }).drain();
    expect(first).toMatchObject({ sent: 0, recovered: 0 });
    expect(fake.messagesIn("C1").length).toBe(0);
    const waiting = (await store.outbox.get("test:a1:C1"))!;
    expect(waiting).toMatchObject({ status: "pending", maybePosted: true });
    expect(waiting.nextAttemptAt.getTime()).toBe(takeOver.getTime() + HANDOVER_SETTLE_MS);
    // The old holder's post lands after the takeover.
    await createDeliveryClient("xoxb-test", fake.apiUrl).chat.postMessage({
      channel: "C1",
      text: row.payload.text,
      metadata: row.payload.metadata as never,
    });
    const later = new Date(waiting.nextAttemptAt.getTime() + 1);
    const second = await deliverer(store, fake, { partitions, lingerMs: 0, now: () => later }).drain();
    expect(second).toMatchObject({ recovered: 1, sent: 0 });
    expect(fake.messagesIn("C1").length).toBe(1);
    expect((await store.outbox.get("test:a1:C1"))?.status).toBe("sent");
  });

  it("stops posting the moment the partition is lost", async () => {
    await enqueueFor(TEAM, "C1");
    const partitions = holding(TEAM);
    partitions.markRecovered([TEAM]);
    partitions.held.delete(TEAM);
    // Claimed earlier but lost before the post: the row is not posted and stays pending.
    const d = deliverer(store, fake, {
      partitions: { ...partitions, claim: () => ({ deliver: [TEAM], recover: [] }) },
      lingerMs: 0,
    });
    await d.drain();
    expect(fake.messagesIn("C1").length).toBe(0);
    expect((await store.outbox.get(`test:${TEAM}:C1`))?.status).toBe("pending");
  });
});
