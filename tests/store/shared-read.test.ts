import { describe, expect, it } from "vitest";
import { sharedRead } from "../../src/store/kysely/shared-read.js";

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
