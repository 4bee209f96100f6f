import { describe, expect, it } from "vitest";
import { at, freshStore, KINDS } from "./stores.js";

const change = (providerId: string, fromHash: string, toHash: string, minute: number) => ({
  providerId,
  providerName: providerId.toUpperCase(),
  fromHash,
  toHash,
  fields: [{ field: "steps", before: "old <b>", after: "" }],
  stepsChanged: minute % 2 === 0,
  detectedAt: at(minute),
});

describe.each(KINDS)("catalog history contract (%s)", (kind) => {
  it("numbers each provider's entries, skips a repeat of the latest move, lists newest first", async () => {
    const store = await freshStore(kind);
    expect(await store.catalogHistory.record(change("a", "h0", "h1", 1))).toBe(true);
    expect(await store.catalogHistory.record(change("a", "h0", "h1", 2))).toBe(false);
    expect(await store.catalogHistory.record(change("b", "x0", "x1", 2))).toBe(true);
    expect(await store.catalogHistory.record(change("a", "h1", "h2", 3))).toBe(true);
    const all = await store.catalogHistory.list(10);
    expect(all.map((e) => [e.providerId, e.seq])).toEqual([
      ["a", 2],
      ["b", 1],
      ["a", 1],
    ]);
    expect(all[1]).toEqual({ id: expect.any(Number), seq: 1, ...change("b", "x0", "x1", 2) });
    expect((await store.catalogHistory.list(1, "a")).map((e) => e.seq)).toEqual([2]);
  });

  it("two instances recording the same change at once write one entry", async () => {
    const store = await freshStore(kind);
    const results = await Promise.all(
      [1, 2].map(() => store.catalogHistory.record(change("a", "h0", "h1", 1))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.catalogHistory.list(10)).toHaveLength(1);
  });
});
