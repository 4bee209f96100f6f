import { afterEach } from "vitest";
import { openKyselyStore, type Store } from "../../../src/store/index.js";
import { freshPgSchema, pgNotice, TEST_DATABASE_URL } from "../../support/pg.js";

/** The stores every contract test runs against: SQLite always, PostgreSQL whenever TEST_DATABASE_URL is set. */
export type StoreKind = "sqlite" | "postgres";

export const KINDS: StoreKind[] = TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];
pgNotice("the store contract suite");

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh, migrated, empty store of that kind, closed (and its schema dropped) after the test. */
export async function freshStore(kind: StoreKind): Promise<Store> {
  if (kind === "sqlite") {
    const store = await openKyselyStore("sqlite::memory:");
    cleanups.push(() => store.close());
    return store;
  }
  const schema = await freshPgSchema();
  const store = await openKyselyStore(schema.url, { postgres: { poolSize: 4 } });
  cleanups.push(async () => {
    await store.close();
    await schema.drop();
  });
  return store;
}

/** Registers work to run after the current test (close extra stores, drop schemas). */
export const onCleanup = (fn: () => Promise<void>) => cleanups.push(fn);

export const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute, 0, 123));
