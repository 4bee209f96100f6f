import { describe, expect, it } from "vitest";
import { cachedRead, sharedRead } from "../../src/store/kysely/shared-read.js";

/** A query whose answers the test releases one by one. */
function controlledQuery() {
  const pending: { resolve(v: number): void; reject(e: Error): void }[] = [];
  let calls = 0;
  const query = () =>
    new Promise<number>((resolve, reject) => {
      calls += 1;
      pending.push({ resolve, reject });
    });
  return { query, calls: () => calls, next: () => pending.shift() };
}

describe("sharedRead", () => {
  it("callers asking while a read is in flight share it; once it settles the next caller reads afresh", async () => {
    const q = controlledQuery();
    const shared = sharedRead(q.query);
    const a = shared.read();
    const b = shared.read();
    expect(q.calls()).toBe(1);
    q.next()?.resolve(1);
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    const c = shared.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(2);
    expect(await c).toBe(2);
  });

  it("after invalidate, callers do not join the read that was in flight", async () => {
    const q = controlledQuery();
    const shared = sharedRead(q.query);
    const before = shared.read();
    shared.invalidate();
    const after = shared.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(1);
    q.next()?.resolve(2);
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    // The first read settling late does not drop the second one: a third caller still joins it.
    const third = shared.read();
    expect(q.calls()).toBe(3);
    q.next()?.resolve(3);
    expect(await third).toBe(3);
  });

  it("a failed read fails every caller that joined it, and the next caller tries again", async () => {
    const q = controlledQuery();
    const shared = sharedRead(q.query);
    const a = shared.read();
    const b = shared.read();
    q.next()?.reject(new Error("connection lost"));
    await expect(a).rejects.toThrow("connection lost");
    await expect(b).rejects.toThrow("connection lost");
    const c = shared.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(7);
    expect(await c).toBe(7);
  });
});

describe("cachedRead (the review flags on PostgreSQL)", () => {
  const liveFeed = () => ({ live: true, generation: 0 });

  it("without a feed, nothing is kept: every settled read is read again (SQLite)", async () => {
    const q = controlledQuery();
    const cached = cachedRead(q.query, undefined);
    const a = cached.read();
    q.next()?.resolve(1);
    await a;
    const b = cached.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(2);
    expect(await b).toBe(2);
  });

  it("with a live feed an answer is kept until the feed hears of a change, or stops being live", async () => {
    const q = controlledQuery();
    const feed = liveFeed();
    const cached = cachedRead(q.query, feed);
    const a = cached.read();
    q.next()?.resolve(1);
    expect(await a).toBe(1);
    expect(await cached.read()).toBe(1);
    expect(q.calls()).toBe(1);
    feed.generation += 1; // a NOTIFY, or the session lost or back
    const b = cached.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(2);
    expect(await b).toBe(2);
    expect(await cached.read()).toBe(2);
    feed.live = false;
    const c = cached.read();
    expect(q.calls()).toBe(3);
    q.next()?.resolve(3);
    expect(await c).toBe(3);
  });

  it("a local write ends the kept answer, and nothing is kept until it has settled", async () => {
    const q = controlledQuery();
    const cached = cachedRead(q.query, liveFeed());
    const first = cached.read();
    q.next()?.resolve(1);
    await first;
    cached.writing();
    const during = cached.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(2);
    expect(await during).toBe(2);
    const stillDuring = cached.read();
    expect(q.calls()).toBe(3); // not kept while the write is under way
    q.next()?.resolve(2);
    await stillDuring;
    cached.written();
    const after = cached.read();
    expect(q.calls()).toBe(4);
    q.next()?.resolve(3);
    expect(await after).toBe(3);
    expect(await cached.read()).toBe(3);
    expect(q.calls()).toBe(4);
  });

  it("a read that started before a write is never kept, even when it settles after the write", async () => {
    const q = controlledQuery();
    const cached = cachedRead(q.query, liveFeed());
    const early = cached.read();
    cached.writing();
    cached.written();
    q.next()?.resolve(1);
    expect(await early).toBe(1);
    const next = cached.read();
    expect(q.calls()).toBe(2);
    q.next()?.resolve(2);
    expect(await next).toBe(2);
  });
});
