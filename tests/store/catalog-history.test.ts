import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/index.js";

/** The catalog history repository: one entry per detected change, numbered per provider, newest first. */

const change = (providerId: string, fromHash: string, toHash: string, day: number) => ({
  providerId,
  providerName: providerId.toUpperCase(),
  fromHash,
  toHash,
  fields: [{ field: "Opt-out", before: fromHash, after: toHash }],
  stepsChanged: false,
  detectedAt: new Date(Date.UTC(2026, 0, day)),
});

describe("sqlite catalog history", () => {
  it("numbers entries per provider and lists them newest first", async () => {
    const store = openSqliteStore(":memory:");
    expect(await store.catalogHistory.record(change("acme", "a", "b", 1))).toBe(true);
    expect(await store.catalogHistory.record(change("other", "x", "y", 2))).toBe(true);
    expect(await store.catalogHistory.record(change("acme", "b", "c", 3))).toBe(true);
    // Back and forth again is a new change, a new entry.
    expect(await store.catalogHistory.record(change("acme", "c", "b", 4))).toBe(true);
    expect((await store.catalogHistory.list(10)).map((e) => [e.providerId, e.seq, e.toHash])).toEqual([
      ["acme", 3, "b"],
      ["acme", 2, "c"],
      ["other", 1, "y"],
      ["acme", 1, "b"],
    ]);
    expect((await store.catalogHistory.list(2, "acme")).map((e) => e.seq)).toEqual([3, 2]);
    expect((await store.catalogHistory.list(10, "acme"))[2]).toEqual({
      id: expect.any(Number),
      seq: 1,
      ...change("acme", "a", "b", 1),
    });
    await store.close();
  });

  it("records a change once: the same transition again (another instance, same snapshot) is a no-op", async () => {
    const store = openSqliteStore(":memory:");
    expect(await store.catalogHistory.record(change("acme", "a", "b", 1))).toBe(true);
    expect(await store.catalogHistory.record(change("acme", "a", "b", 1))).toBe(false);
    expect(await store.catalogHistory.list(10)).toHaveLength(1);
    await store.close();
  });
});
