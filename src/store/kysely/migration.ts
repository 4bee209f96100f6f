import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import { SchemaTooNewError, StoreOpenError } from "../errors.js";

/**
 * One numbered, forward-only migration with its DDL for each dialect. Per-dialect SQL rather than Kysely's
 * schema builder: the SQLite text of 1–5 is exactly what existing files were created from (a fresh file and
 * an upgraded one must be the same schema), and the PostgreSQL text uses that database's own types
 * (timestamptz, boolean, bytea, identity columns, COLLATE "C"), which reviewers can read as the DDL it is.
 */
export interface Migration {
  /** 1, 2, 3 … Never edit a migration that has shipped; add a new one. */
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: Date;
}

export interface MigrationStatus {
  /** The highest version applied (0: empty database). */
  current: number;
  /** The highest version this release knows. */
  latest: number;
  applied: AppliedMigration[];
  pending: { version: number; name: string }[];
  /** SQLite only: a file from before the migration table (PRAGMA user_version only), adopted on next start. */
  legacy: boolean;
}

export interface MigrationRun {
  applied: number[];
  /** Versions recorded from a legacy file's PRAGMA user_version instead of being run. */
  adopted: number[];
}

/**
 * The key of the session-level advisory lock every instance takes around migrations
 * (postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS). Other advisory locks must use other keys.
 */
export const MIGRATION_LOCK_KEY = 1_095_323_725;

/**
 * Versions are distinct, increasing whole numbers. A number may stay unused (numbers are handed out ahead of
 * the work, and some work needs no schema change), but never filled in later: `unappliedBelow` refuses a
 * database that is past a known migration it never ran, instead of silently skipping that migration.
 */
function checked(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    const previous = i ? (sorted[i - 1] as Migration).version : 0;
    if (!Number.isSafeInteger(m.version) || m.version <= previous)
      throw new Error(
        `migration ${m.name} has version ${m.version}: versions must be distinct whole numbers above ${previous}`,
      );
  });
  return sorted;
}

/** The highest version this release knows (0 without migrations). */
const latestOf = (known: readonly Migration[]): number => known[known.length - 1]?.version ?? 0;

/** A migration numbered below the database's version that the database never applied: added too late. */
function unappliedBelow(known: readonly Migration[], status: MigrationStatus): void {
  const applied = new Set(status.applied.map((a) => a.version));
  const missing = known.find((m) => m.version < status.current && !applied.has(m.version));
  if (missing)
    throw new StoreOpenError(
      `DATABASE_URL: migration ${missing.version} (${missing.name}) was never applied, but the database is already at schema version ${status.current}: a new migration must be numbered above every released one`,
    );
}

const failed = (m: Migration, err: unknown) =>
  new StoreOpenError(`DATABASE_URL: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);

function status(known: Migration[], applied: AppliedMigration[], legacy: boolean): MigrationStatus {
  const current = applied.reduce((n, a) => Math.max(n, a.version), 0);
  return {
    current,
    latest: latestOf(known),
    applied,
    pending: known.filter((m) => m.version > current).map(({ version, name }) => ({ version, name })),
    legacy,
  };
}

// ---- SQLite: PRAGMA user_version stays in step with the table, so today's binaries keep refusing newer files.

const SQLITE_TABLE =
  "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

const hasSqliteTable = (db: BetterSqlite3.Database) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !==
  undefined;

function sqliteApplied(
  db: BetterSqlite3.Database,
  known: Migration[],
): { applied: AppliedMigration[]; legacy: boolean } {
  const userVersion = db.pragma("user_version", { simple: true }) as number;
  const latest = latestOf(known);
  const names = new Map(known.map((m) => [m.version, m.name]));
  // Versions 1..user_version as a release that kept only the pragma applied them (unused numbers left out).
  const byPragma = (from: number) =>
    Array.from({ length: Math.max(0, userVersion - from) }, (_, i) => from + i + 1)
      .filter((version) => version > latest || names.has(version))
      .map((version) => ({
        version,
        name: names.get(version) ?? "(applied by a newer release)",
        appliedAt: new Date(0),
      }));
  if (!hasSqliteTable(db)) return { applied: byPragma(0), legacy: userVersion > 0 };
  const rows = db
    .prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    .all() as {
    version: number;
    name: string;
    applied_at: string;
  }[];
  const applied = rows.map((r) => ({ version: r.version, name: r.name, appliedAt: new Date(r.applied_at) }));
  // A file last written by an older release that knew only user_version is still at least that far.
  applied.push(...byPragma(applied.reduce((n, a) => Math.max(n, a.version), 0)));
  return { applied, legacy: false };
}

export function sqliteStatus(db: BetterSqlite3.Database, migrations: readonly Migration[]): MigrationStatus {
  const known = checked(migrations);
  const { applied, legacy } = sqliteApplied(db, known);
  return status(known, applied, legacy);
}

/**
 * Brings the file to the latest version. Each step runs in its own BEGIN IMMEDIATE transaction and re-reads
 * the version inside it, so two processes opening the same file apply every migration once.
 */
export function migrateSqlite(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[],
  now: Date,
): MigrationRun {
  const known = checked(migrations);
  const run: MigrationRun = { applied: [], adopted: [] };
  const before = sqliteStatus(db, known);
  if (before.current > latestOf(known)) throw new SchemaTooNewError(before.current, latestOf(known));
  unappliedBelow(known, before);
  db.transaction(() => {
    if (hasSqliteTable(db)) return;
    db.exec(SQLITE_TABLE);
    const insert = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    // Adopt a file migrated by a release that only kept PRAGMA user_version: 1..N are applied.
    const userVersion = db.pragma("user_version", { simple: true }) as number;
    for (const m of known.filter((k) => k.version <= userVersion)) {
      insert.run(m.version, m.name, now.toISOString());
      run.adopted.push(m.version);
    }
  }).immediate();
  for (const m of known) {
    db.transaction(() => {
      const current = db.pragma("user_version", { simple: true }) as number;
      if (current >= m.version) return;
      try {
        db.exec(m.sqlite);
      } catch (err) {
        throw failed(m, err);
      }
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        now.toISOString(),
      );
      db.pragma(`user_version = ${m.version}`);
      run.applied.push(m.version);
    }).immediate();
  }
  return run;
}

// ---- PostgreSQL: one dedicated session holds an advisory lock while it reads and applies.

const PG_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`;

async function pgApplied(client: pg.Client): Promise<AppliedMigration[]> {
  const exists = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return [];
  const rows = await client.query<{ version: number; name: string; applied_at: Date }>(
    "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
  );
  return rows.rows.map((r) => ({ version: r.version, name: r.name, appliedAt: new Date(r.applied_at) }));
}

export async function postgresStatus(
  client: pg.Client,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const known = checked(migrations);
  return status(known, await pgApplied(client), false);
}

/**
 * Applies pending migrations while holding the migration advisory lock on `client`'s session: a second
 * instance starting at the same moment waits at the lock, then finds nothing left to do. Each migration is
 * one transaction (PostgreSQL DDL is transactional). The lock dies with the session if the process does.
 */
export async function migratePostgres(
  client: pg.Client,
  migrations: readonly Migration[],
  now: Date,
): Promise<MigrationRun> {
  const known = checked(migrations);
  const run: MigrationRun = { applied: [], adopted: [] };
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    await client.query(PG_TABLE);
    const before = status(known, await pgApplied(client), false);
    const current = before.current;
    if (current > latestOf(known)) throw new SchemaTooNewError(current, latestOf(known));
    unappliedBelow(known, before);
    for (const m of known.filter((k) => k.version > current)) {
      await client.query("BEGIN");
      try {
        await client.query(m.postgres);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          m.version,
          m.name,
          now.toISOString(),
        ]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw failed(m, err);
      }
      run.applied.push(m.version);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
  return run;
}
