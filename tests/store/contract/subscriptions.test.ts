import { describe, expect, it } from "vitest";
import { at, freshStore, KINDS } from "./stores.js";

const sub = (
  providerId: string,
  kinds: ("deadlines" | "changes" | "catalog" | "regulation")[],
  minute = 0,
) => ({
  teamId: "T1",
  channelId: "C1",
  providerId,
  kinds,
  createdBy: "U1",
  now: at(minute),
});

describe.each(KINDS)("subscriptions contract (%s)", (kind) => {
  it("upsert inserts sorted kinds, then unions kinds and un-pauses, keeping the first row", async () => {
    const store = await freshStore(kind);
    const first = await store.subscriptions.upsert(sub("claude", ["changes", "catalog"]));
    expect(first).toMatchObject({
      teamId: "T1",
      channelId: "C1",
      providerId: "claude",
      kinds: ["catalog", "changes"],
      createdBy: "U1",
      pausedAt: null,
    });
    expect(first.createdAt).toEqual(at(0));
    await store.subscriptions.pause(first.id, "channel archived", at(1));
    const widened = await store.subscriptions.upsert({
      ...sub("claude", ["deadlines", "changes"], 2),
      createdBy: "U2",
    });
    expect(widened).toMatchObject({
      id: first.id,
      kinds: ["catalog", "changes", "deadlines"],
      createdBy: "U1",
      pausedAt: null,
      pausedReason: null,
    });
    expect(widened.createdAt).toEqual(at(0));
    expect(await store.subscriptions.listAll()).toHaveLength(1);
  });

  it("concurrent upserts of the same key end in one row with the union of kinds", async () => {
    const store = await freshStore(kind);
    await Promise.all([
      store.subscriptions.upsert(sub("gemini", ["changes"])),
      store.subscriptions.upsert(sub("gemini", ["deadlines"])),
      store.subscriptions.upsert(sub("gemini", ["regulation"])),
    ]);
    const rows = await store.subscriptions.listAll();
    expect(rows.map((r) => r.kinds)).toEqual([["changes", "deadlines", "regulation"]]);
  });

  it("pause keeps the first pause; get returns the row or undefined", async () => {
    const store = await freshStore(kind);
    const s = await store.subscriptions.upsert(sub("claude", ["changes"]));
    await store.subscriptions.pause(s.id, "first", at(5));
    await store.subscriptions.pause(s.id, "second", at(6));
    expect(await store.subscriptions.get(s.id)).toMatchObject({ pausedAt: at(5), pausedReason: "first" });
    expect(await store.subscriptions.get(s.id + 1000)).toBeUndefined();
  });

  it("lists a channel bytewise by provider and activeFor matches provider or '*', kind, unpaused, by id", async () => {
    const store = await freshStore(kind);
    const ab = await store.subscriptions.upsert(sub("ab", ["changes"]));
    const star = await store.subscriptions.upsert(sub("*", ["deadlines", "changes"]));
    await store.subscriptions.upsert(sub("a-b", ["changes"]));
    await store.subscriptions.upsert(sub("Zed", ["changes"]));
    await store.subscriptions.upsert({ ...sub("ab", ["changes"]), channelId: "C2" });
    const paused = await store.subscriptions.upsert({ ...sub("ab", ["changes"]), channelId: "C3" });
    await store.subscriptions.pause(paused.id, "gone", at(1));
    expect((await store.subscriptions.listForChannel("T1", "C1")).map((s) => s.providerId)).toEqual([
      "*",
      "Zed",
      "a-b",
      "ab",
    ]);
    const active = await store.subscriptions.activeFor("ab", "changes");
    expect(active.map((s) => [s.providerId, s.channelId])).toEqual([
      ["ab", "C1"],
      ["*", "C1"],
      ["ab", "C2"],
    ]);
    expect(active[0]?.id).toBe(ab.id);
    expect((await store.subscriptions.activeFor("ab", "deadlines")).map((s) => s.id)).toEqual([star.id]);
    expect(await store.subscriptions.activeFor("ab", "regulation")).toEqual([]);
  });

  it("remove deletes the named providers or all of the channel's, and counts them", async () => {
    const store = await freshStore(kind);
    for (const p of ["a", "b", "c", "*"]) await store.subscriptions.upsert(sub(p, ["changes"]));
    await store.subscriptions.upsert({ ...sub("a", ["changes"]), channelId: "C2" });
    expect(await store.subscriptions.remove("T1", "C1", ["a", "b", "zzz"])).toBe(2);
    expect(await store.subscriptions.remove("T1", "C1", [])).toBe(0);
    expect((await store.subscriptions.listForChannel("T1", "C1")).map((s) => s.providerId)).toEqual([
      "*",
      "c",
    ]);
    expect(await store.subscriptions.remove("T1", "C1", "all")).toBe(2);
    expect((await store.subscriptions.listAll()).map((s) => s.channelId)).toEqual(["C2"]);
  });
});
