import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openKyselyStore, SchemaTooNewError, StoreOpenError } from "../../../src/store/index.js";
import {
  type Migration,
  migratePostgres,
  migrateSqlite,
  sqliteStatus,
} from "../../../src/store/kysely/migration.js";
import { MIGRATIONS } from "../../../src/store/kysely/migrations/index.js";
import { freshPgSchema, pgNotice, TEST_DATABASE_URL } from "../../support/pg.js";

/** The highest version (numbers handed out for work that needed no schema change stay unused). */
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), "kysely-migrate-"));
  dirs.push(dir);
  return join(dir, "bot.db");
};

/** A file exactly as today's release leaves it: migrations 1–5 by PRAGMA user_version, no migration table. */
function legacyFile(path: string): void {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  for (const m of MIGRATIONS.slice(0, 5)) {
    db.exec(m.sqlite);
    db.pragma(`user_version = ${m.version}`);
  }
  db.prepare(
    `INSERT INTO outbox (idempotency_key, kind, team_id, channel_id, payload, status, next_attempt_at, created_at, updated_at, maybe_posted)
     VALUES ('old-key', 'deadline', 'T1', 'C1', '{"text":"hello","blocks":[]}', 'pending', '2026-11-30T08:00:00.000Z', '2026-11-29T08:00:00.000Z', '2026-11-29T08:00:00.000Z', 1)`,
  ).run();
  db.prepare(
    `INSERT INTO reminder_campaigns (team_id, lead_id, channel_id, provider_id, deadline, recheck, status, created_at)
     VALUES ('T1', 'U1', 'C1', 'claude', '2026-12-31', 0, 'open', '2026-11-01T10:11:12.345Z')`,
  ).run();
  db.close();
}

const schemaOf = (path: string) => {
  const db = new Database(path, { readonly: true });
  const rows = db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    .all();
  const version = db.pragma("user_version", { simple: true });
  const applied = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
  db.close();
  return { rows, version, applied };
};

describe("migrations on SQLite", () => {
  it("a fresh file gets every migration, recorded in schema_migrations and PRAGMA user_version", async () => {
    const path = tempFile();
    await (await openKyselyStore(`sqlite:${path}`)).close();
    const { version, applied } = schemaOf(path);
    expect(version).toBe(LATEST);
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it("adopts a file migrated by the previous release (user_version 5, no table), keeps its data, same schema as fresh", async () => {
    const legacy = tempFile();
    legacyFile(legacy);
    const store = await openKyselyStore(`sqlite:${legacy}`);
    expect(await store.outbox.get("old-key")).toMatchObject({
      payload: { text: "hello", blocks: [] },
      maybePosted: true,
      nextAttemptAt: new Date("2026-11-30T08:00:00.000Z"),
    });
    const [campaign] = await store.reminders.listCampaigns({});
    expect(campaign).toMatchObject({ recheck: false, createdAt: new Date("2026-11-01T10:11:12.345Z") });
    await store.close();
    const fresh = tempFile();
    await (await openKyselyStore(`sqlite:${fresh}`)).close();
    const upgraded = schemaOf(legacy);
    expect(upgraded.applied.map((a) => (a as { version: number }).version)).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(upgraded.version).toBe(LATEST);
    expect(upgraded.rows).toEqual(schemaOf(fresh).rows);
    // Opening again changes nothing.
    await (await openKyselyStore(`sqlite:${legacy}`)).close();
    expect(schemaOf(legacy)).toEqual(upgraded);
  });

  it("refuses a file from a newer release, whichever way it records its version", async () => {
    const path = tempFile();
    await (await openKyselyStore(`sqlite:${path}`)).close();
    const db = new Database(path);
    db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '2030-01-01T00:00:00.000Z')",
    ).run(LATEST + 1);
    db.close();
    const refused = openKyselyStore(`sqlite:${path}`);
    await expect(refused).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(refused).rejects.toThrow(
      `the database is at schema version ${LATEST + 1}, newer than this release (${LATEST}); run a newer release`,
    );
    const legacyNewer = tempFile();
    const raw = new Database(legacyNewer);
    raw.pragma(`user_version = ${LATEST + 3}`);
    raw.close();
    await expect(openKyselyStore(`sqlite:${legacyNewer}`)).rejects.toThrow(`schema version ${LATEST + 3}`);
  });

  it("an unused number is allowed; a migration filled in below the database's version is refused", () => {
    const db = new Database(tempFile());
    const now = new Date("2026-12-02T06:00:00.000Z");
    expect(migrateSqlite(db, [toy(1), toy(2), toy(4)], now).applied).toEqual([1, 2, 4]);
    expect(sqliteStatus(db, [toy(1), toy(2), toy(4)])).toMatchObject({ current: 4, latest: 4, pending: [] });
    expect(() => migrateSqlite(db, [toy(1), toy(2), toy(3), toy(4)], now)).toThrow(
      "migration 3 (toy 3) was never applied, but the database is already at schema version 4",
    );
    expect(() => migrateSqlite(db, [toy(1), toy(2), toy(2)], now)).toThrow("versions must be distinct");
    expect(migrateSqlite(db, [toy(1), toy(2), toy(4), toy(7)], now).applied).toEqual([7]);
    db.close();
  });

  it("a file that is not a database is a StoreOpenError naming DATABASE_URL", async () => {
    const path = tempFile();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, "this is not sqlite, just text that is long enough to have a header ...........");
    const opened = openKyselyStore(`sqlite:${path}`);
    await expect(opened).rejects.toBeInstanceOf(StoreOpenError);
    await expect(opened).rejects.toThrow(/^DATABASE_URL: cannot open the SQLite database/);
  });
});

/** A migration that creates one table, the same in both dialects. */
function toy(version: number): Migration {
  const sql = `CREATE TABLE toy_${version} (id integer PRIMARY KEY);`;
  return { version, name: `toy ${version}`, sqlite: sql, postgres: sql };
}

pgNotice("migration tests");
describe.skipIf(!TEST_DATABASE_URL)("migrations on PostgreSQL", () => {
  it("a fresh schema gets every migration; two instances starting together apply each exactly once", async () => {
    const schema = await freshPgSchema();
    try {
      const stores = await Promise.all(
        [1, 2, 3].map(() => openKyselyStore(schema.url, { postgres: { poolSize: 2 } })),
      );
      for (const s of stores) await s.close();
      const rows = await schema.admin(
        `SELECT version, name FROM ${schema.schema}.schema_migrations ORDER BY version`,
      );
      expect(rows.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      await schema.drop();
    }
  });

  it("waits for the migration lock another session holds, then finds nothing to do", async () => {
    const schema = await freshPgSchema();
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(1095323725)");
      let opened = false;
      const opening = openKyselyStore(schema.url).then((s) => {
        opened = true;
        return s;
      });
      // Deterministic: wait until PostgreSQL shows the opener queued behind the held lock.
      const waiting = () =>
        holder.query(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = 1095323725 AND objsubid = 1",
        );
      while ((await waiting()).rows[0].n === 0) await new Promise((r) => setTimeout(r, 20));
      expect(opened).toBe(false);
      await holder.query("SELECT pg_advisory_unlock(1095323725)");
      await (await opening).close();
      expect(opened).toBe(true);
    } finally {
      await holder.end();
      await schema.drop();
    }
  });

  it("allows an unused number, refuses a migration filled in below the schema's version", async () => {
    const schema = await freshPgSchema();
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const now = new Date("2026-12-02T06:00:00.000Z");
      expect((await migratePostgres(client, [toy(1), toy(3)], now)).applied).toEqual([1, 3]);
      await expect(migratePostgres(client, [toy(1), toy(2), toy(3)], now)).rejects.toThrow(
        "migration 2 (toy 2) was never applied, but the database is already at schema version 3",
      );
    } finally {
      await client.end();
      await schema.drop();
    }
  });

  it("refuses a schema from a newer release", async () => {
    const schema = await freshPgSchema();
    try {
      await (await openKyselyStore(schema.url)).close();
      await schema.admin(
        `INSERT INTO ${schema.schema}.schema_migrations (version, name, applied_at) VALUES ($1, 'future', now())`,
        [LATEST + 2],
      );
      await expect(openKyselyStore(schema.url)).rejects.toThrow(
        `the database is at schema version ${LATEST + 2}, newer than this release (${LATEST}); run a newer release`,
      );
    } finally {
      await schema.drop();
    }
  });
});
