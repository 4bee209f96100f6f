import { describe, expect, it } from "vitest";
import { openSqliteStore, openStore, type Store, StoreOpenError } from "../../src/store/index.js";

const NOW = new Date("2026-12-01T09:00:00Z");

/** Resolves after every queued microtask and one macrotask turn: lets other callers run in between. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("SQLite store transactions (async over one connection)", () => {
  it("two concurrent transactions never interleave: each sees only its own writes, then both commit", async () => {
    const store = openSqliteStore(":memory:");
    const seen: Record<string, unknown[]> = {};
    const run = (name: string) =>
      store.transaction(async (tx) => {
        await tx.kv.set("counter", ((await tx.kv.get<number>("counter")) ?? 0) + 1, NOW);
        await yieldTurn();
        await tx.kv.set(`owner`, name, NOW);
        await yieldTurn();
        seen[name] = [await tx.kv.get("counter"), await tx.kv.get("owner")];
      });
    await Promise.all([run("a"), run("b")]);
    // A lost update (both read 0) or a peek at the other's write would show here.
    expect(seen).toEqual({ a: [1, "a"], b: [2, "b"] });
    expect(await store.kv.get("counter")).toBe(2);
    await store.close();
  });

  it("a rejected transaction rolls back everything it wrote and rethrows; the next one proceeds", async () => {
    const store = openSqliteStore(":memory:");
    await store.kv.set("kept", 1, NOW);
    const boom = new Error("boom");
    await expect(
      store.transaction(async (tx) => {
        await tx.kv.set("kept", 2, NOW);
        await tx.kv.set("gone", true, NOW);
        await yieldTurn();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.kv.get("kept")).toBe(1);
    expect(await store.kv.get("gone")).toBeUndefined();
    expect(await store.transaction(async (tx) => tx.kv.get("kept"))).toBe(1);
    await store.close();
  });

  it("a transaction on tx joins the open one: an outer rejection rolls back the inner writes too", async () => {
    const store = openSqliteStore(":memory:");
    await expect(
      store.transaction(async (tx) => {
        const inner = await tx.transaction(async (inner) => {
          await inner.kv.set("inner", 1, NOW);
          return "inner done";
        });
        expect(inner).toBe("inner done");
        expect(await tx.kv.get("inner")).toBe(1);
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await store.kv.get("inner")).toBeUndefined();
    await store.close();
  });

  it("a statement outside waits for the open transaction, and never lands inside it", async () => {
    const store = openSqliteStore(":memory:");
    const order: string[] = [];
    // Another caller (its own async context, like a concurrent request), let go while the tx is open.
    let letGo!: () => void;
    const started = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const outside = started.then(async () => {
      const write = store.kv.set("outside", 1, NOW).then(() => void order.push("outside written"));
      const read = store.kv.get("tx").then((v) => void order.push(`outside read ${String(v)}`));
      await Promise.all([write, read]);
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.kv.set("tx", 1, NOW);
        letGo();
        await yieldTurn();
        order.push("tx still open");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await outside;
    // The outside write ran after the rollback, so it survived it; the read saw no uncommitted value.
    expect(order).toEqual(["tx still open", "outside written", "outside read undefined"]);
    expect(await store.kv.get("outside")).toBe(1);
    expect(await store.kv.get("tx")).toBeUndefined();
    await store.close();
  });

  it("with no transaction open, a statement runs at once (before the caller's next microtask)", async () => {
    const store = openSqliteStore(":memory:");
    void store.kv.set("now", 1, NOW);
    // No await in between: the write has already happened synchronously inside the call.
    const written = store.kv.get("now");
    expect(await written).toBe(1);
    await store.close();
  });

  it("the outer store inside its own transaction is an error (not a silent deadlock); a finished tx refuses", async () => {
    const store: Store = openSqliteStore(":memory:");
    let leaked: Store | undefined;
    await expect(
      store.transaction(async (tx) => {
        leaked = tx;
        await store.kv.get("x");
      }),
    ).rejects.toThrow(/use the transaction's tx/);
    await expect(leaked!.kv.get("x")).rejects.toThrow(/already finished/);
    await store.close();
  });

  it("close waits for an open transaction to commit", async () => {
    const store = openSqliteStore(":memory:");
    let committed = false;
    const tx = store.transaction(async (t) => {
      await yieldTurn();
      await t.kv.set("k", 1, NOW);
      committed = true;
    });
    await store.close();
    expect(committed).toBe(true);
    await tx;
  });
});

describe("openStore(DATABASE_URL)", () => {
  it("opens sqlite: URLs and refuses an unknown scheme with a line naming DATABASE_URL", async () => {
    const store = await openStore("sqlite::memory:");
    await store.kv.set("k", 1, NOW);
    expect(await store.kv.get("k")).toBe(1);
    await store.close();
    await expect(openStore("mysql://db.example/bot")).rejects.toThrow(
      /^DATABASE_URL: the scheme "mysql:" is not supported/,
    );
    await expect(openStore("sqlite:/dev/null/bot.db")).rejects.toBeInstanceOf(StoreOpenError);
  });
});
