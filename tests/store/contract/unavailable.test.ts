import { describe, expect, it } from "vitest";
import { isStoreUnavailable, openKyselyStore, type Store, StoreOpenError } from "../../../src/store/index.js";
import { freshPgSchema, pgNotice, TEST_DATABASE_URL } from "../../support/pg.js";
import { tcpProxy } from "../../support/tcp-proxy.js";

pgNotice("database outage tests");

/** Retries until the store answers again (the pool reconnects by itself); fails the test after 50 tries. */
async function answersAgain(store: Store): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await store.kv.get("probe");
      return;
    } catch (err) {
      expect(isStoreUnavailable(err)).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("the store did not recover");
}

describe.skipIf(!TEST_DATABASE_URL)("PostgreSQL going away and coming back", () => {
  it("terminated sessions: calls fail as StoreUnavailableError at worst, and the pool recovers without a restart", async () => {
    const schema = await freshPgSchema();
    const app = `outage-${schema.schema}`;
    const url = new URL(schema.url);
    url.searchParams.set("application_name", app);
    const store = await openKyselyStore(url.toString(), { postgres: { poolSize: 3 } });
    try {
      await Promise.all([1, 2, 3].map((i) => store.kv.set(`k${i}`, i, new Date())));
      const killed = await schema.admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [app],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      await answersAgain(store);
      expect(await store.kv.get("k2")).toBe(2);
      expect(await store.ping()).toEqual({ ok: true });
    } finally {
      await store.close();
      await schema.drop();
    }
  });

  it("server unreachable: ping fails, calls reject as StoreUnavailableError, and it all works again when it returns", async () => {
    const schema = await freshPgSchema();
    const base = new URL(schema.url);
    const proxy = await tcpProxy(base.hostname, Number(base.port || 5432));
    const url = new URL(schema.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const store = await openKyselyStore(url.toString(), {
      postgres: { poolSize: 2, connectTimeoutMs: 1000 },
    });
    try {
      await store.kv.set("before", 1, new Date());
      await proxy.stop();
      const health = await store.ping();
      expect(health.ok).toBe(false);
      if (!health.ok) expect(health.error).toMatch(`PostgreSQL at 127.0.0.1:${proxy.port}`);
      const failure = await store.kv.get("before").catch((err: unknown) => err);
      expect(isStoreUnavailable(failure)).toBe(true);
      const txFailure = await store.transaction((tx) => tx.kv.get("before")).catch((err: unknown) => err);
      expect(isStoreUnavailable(txFailure)).toBe(true);
      await proxy.start();
      await answersAgain(store);
      expect(await store.kv.get("before")).toBe(1);
      expect(await store.ping()).toEqual({ ok: true });
    } finally {
      await store.close();
      await proxy.close();
      await schema.drop();
    }
  });

  it("unreachable at start: one StoreOpenError line naming DATABASE_URL and the fix, never the password", async () => {
    const base = new URL(TEST_DATABASE_URL as string);
    const proxy = await tcpProxy("127.0.0.1", 1);
    const closedPort = proxy.port;
    await proxy.close();
    const refused = await openKyselyStore(`postgres://bot:s3cret@127.0.0.1:${closedPort}/x`).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StoreOpenError);
    expect((refused as Error).message).toMatch(
      /^DATABASE_URL \(postgres:\/\/bot:\*\*\*@127\.0\.0\.1:\d+\/x\): .*refused the connection/,
    );
    expect((refused as Error).message).not.toContain("s3cret");
    const missing = new URL(base);
    missing.pathname = "/no_such_database_kysely";
    const noDb = await openKyselyStore(missing.toString()).catch((e: unknown) => e);
    expect((noDb as Error).message).toMatch(
      /database "no_such_database_kysely" does not exist.*createdb no_such_database_kysely/,
    );
    const badUser = new URL(base);
    badUser.username = "no_such_role_kysely";
    const noRole = await openKyselyStore(badUser.toString()).catch((e: unknown) => e);
    expect((noRole as Error).message).toMatch(
      /refused the login of no_such_role_kysely.*Fix the user name and password/,
    );
    const dns = await openKyselyStore("postgres://u@no-such-host.invalid:5432/x", {
      postgres: { connectTimeoutMs: 2000 },
    }).catch((e: unknown) => e);
    expect(dns).toBeInstanceOf(StoreOpenError);
    expect((dns as Error).message).toMatch(/no-such-host\.invalid/);
  });
});
