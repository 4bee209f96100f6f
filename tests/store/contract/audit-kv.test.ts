import { describe, expect, it } from "vitest";
import { FORGOTTEN_ACTOR } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

describe.each(KINDS)("audit log and key-value contract (%s)", (kind) => {
  it("records entries, lists a team's newest first, an actor's oldest first, and anonymises an actor", async () => {
    const store = await freshStore(kind);
    const entry = (minute: number, actorId: string, teamId = "T1") => ({
      at: at(minute),
      teamId,
      actorId,
      action: `act-${minute}`,
      detail: { minute, nested: { ids: ["C1"] } },
    });
    await store.audit.record(entry(1, "U1"));
    await store.audit.record(entry(2, "U2"));
    await store.audit.record(entry(3, "U1"));
    await store.audit.record(entry(4, "U1", "T2"));
    expect(await store.audit.list("T1", 2)).toEqual([entry(3, "U1"), entry(2, "U2")]);
    // Per workspace: the same (Enterprise Grid) user ID in T2 is T2's business.
    expect((await store.audit.forActor("T1", "U1")).map((e) => e.action)).toEqual(["act-1", "act-3"]);
    expect(await store.audit.anonymiseActor("T1", "U1")).toBe(2);
    expect(await store.audit.forActor("T1", "U1")).toEqual([]);
    expect((await store.audit.forActor("T1", FORGOTTEN_ACTOR)).length).toBe(2);
    expect(await store.audit.forActor("T2", "U1")).toEqual([entry(4, "U1", "T2")]);
  });

  it("forActions: one team's entries with the given actions since a time, oldest first", async () => {
    const store = await freshStore(kind);
    const entry = (minute: number, action: string, teamId = "T1") => ({
      at: at(minute),
      teamId,
      actorId: "U1",
      action,
      detail: { minute },
    });
    await store.audit.record(entry(1, "reminders.answer"));
    await store.audit.record(entry(2, "reminders.answer"));
    await store.audit.record(entry(3, "reminders.nudge"));
    await store.audit.record(entry(4, "subscribe"));
    await store.audit.record(entry(5, "reminders.answer", "T2"));
    const since = await store.audit.forActions("T1", ["reminders.answer", "reminders.nudge"], at(2));
    expect(since.map((e) => e.detail.minute)).toEqual([2, 3]);
    expect(await store.audit.forActions("T1", [], at(0))).toEqual([]);
    expect((await store.audit.forActions("T2", ["reminders.answer"], at(0))).map((e) => e.teamId)).toEqual([
      "T2",
    ]);
  });

  it("key-value: JSON values in and out, overwrite, delete, undefined when absent", async () => {
    const store = await freshStore(kind);
    expect(await store.kv.get("x")).toBeUndefined();
    await store.kv.set("x", { a: [1, "two", null], b: true }, at(1));
    expect(await store.kv.get("x")).toEqual({ a: [1, "two", null], b: true });
    await store.kv.set("x", "plain", at(2));
    await store.kv.set("n", 0, at(2));
    expect(await store.kv.get("x")).toBe("plain");
    expect(await store.kv.get("n")).toBe(0);
    await store.kv.delete("x");
    expect(await store.kv.get("x")).toBeUndefined();
    expect(await store.kv.get("n")).toBe(0);
  });
});
