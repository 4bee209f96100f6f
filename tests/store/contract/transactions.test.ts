import { describe, expect, it } from "vitest";
import { at, freshStore, KINDS } from "./stores.js";

describe.each(KINDS)("unit of work contract (%s)", (kind) => {
  it("commits everything done through tx, and returns fn's value", async () => {
    const store = await freshStore(kind);
    const value = await store.transaction(async (tx) => {
      await tx.kv.set("a", 1, at(0));
      await tx.audit.record({ at: at(0), teamId: "T", actorId: "U", action: "x", detail: {} });
      return "done";
    });
    expect(value).toBe("done");
    expect(await store.kv.get("a")).toBe(1);
    expect(await store.audit.list("T", 10)).toHaveLength(1);
  });

  it("rolls back on rejection and re-throws the same error", async () => {
    const store = await freshStore(kind);
    await store.kv.set("kept", "before", at(0));
    const boom = new Error("boom");
    await expect(
      store.transaction(async (tx) => {
        await tx.kv.set("kept", "changed", at(1));
        await tx.outbox.enqueue(
          { key: "k", kind: "x", teamId: "T", channelId: "C", payload: { text: "t" } },
          at(1),
        );
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.kv.get("kept")).toBe("before");
    expect(await store.outbox.get("k")).toBeUndefined();
  });

  it("a nested transaction joins the outer one: an inner failure caught outside still rolls back at the end", async () => {
    const store = await freshStore(kind);
    await store.transaction(async (tx) => {
      await tx.transaction(async (inner) => {
        expect(inner).toBe(tx);
        await inner.kv.set("inner", true, at(0));
      });
      await tx.kv.set("outer", true, at(0));
    });
    expect([await store.kv.get("inner"), await store.kv.get("outer")]).toEqual([true, true]);
    await expect(
      store.transaction(async (tx) => {
        await tx.kv.set("x", 1, at(0));
        await tx.transaction(async (inner) => {
          await inner.kv.set("y", 1, at(0));
        });
        throw new Error("outer fails after the inner one finished");
      }),
    ).rejects.toThrow("outer fails");
    expect([await store.kv.get("x"), await store.kv.get("y")]).toEqual([undefined, undefined]);
  });

  it("repository methods that are atomic on their own join an open transaction", async () => {
    const store = await freshStore(kind);
    const c = await store.reminders.createCampaign({
      teamId: "T",
      leadId: "L",
      channelId: "C",
      providerId: "p",
      deadline: null,
      now: at(0),
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.reminders.addPeople(c.id, [{ userId: "U1", tz: null, nextAt: at(1) }], at(0));
        await tx.reminders.setTools("T", "U1", ["p"], at(0));
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await store.reminders.statesForCampaign(c.id)).toEqual([]);
    expect(await store.reminders.tools("T", "U1")).toEqual([]);
  });

  it("concurrent transactions each commit their own work, and a key enqueued by two of them exists once", async () => {
    const store = await freshStore(kind);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.kv.set(`k${i}`, i, at(0));
          return tx.outbox.enqueue(
            { key: "shared", kind: "x", teamId: "T", channelId: "C", payload: { text: `${i}` } },
            at(0),
          );
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    for (let i = 0; i < 8; i++) expect(await store.kv.get(`k${i}`)).toBe(i);
    expect((await store.outbox.list({})).length).toBe(1);
  });

  it("a failing transaction does not disturb one running beside it", async () => {
    const store = await freshStore(kind);
    const [ok, failed] = await Promise.allSettled([
      store.transaction(async (tx) => {
        await tx.kv.set("ok", 1, at(0));
        await new Promise((r) => setTimeout(r, 20));
        await tx.kv.set("ok2", 2, at(0));
      }),
      store.transaction(async (tx) => {
        await tx.kv.set("bad", 1, at(0));
        throw new Error("no");
      }),
    ]);
    expect(ok.status).toBe("fulfilled");
    expect(failed.status).toBe("rejected");
    expect([await store.kv.get("ok"), await store.kv.get("ok2"), await store.kv.get("bad")]).toEqual([
      1,
      2,
      undefined,
    ]);
  });
});
