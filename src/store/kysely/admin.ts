import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Kysely, sql } from "kysely";
import { StoreOpenError } from "../errors.js";
import { type OpenOptions, openDatabase, postgresOptions, targetOf } from "./index.js";
import {
  type MigrationRun,
  type MigrationStatus,
  migratePostgres,
  migrateSqlite,
  postgresStatus,
  sqliteStatus,
} from "./migration.js";
import { MIGRATIONS } from "./migrations/index.js";
import { connectClient } from "./postgres.js";
import { DATA_TABLES, type DB } from "./schema.js";
import { openSqliteFile } from "./sqlite.js";

/** `db status`: where the schema stands, without changing anything (a missing SQLite file is not created). */
export async function databaseStatus(
  databaseUrl: string,
  options: OpenOptions = {},
): Promise<MigrationStatus> {
  const target = targetOf(databaseUrl);
  if (target.dialect === "sqlite") {
    if (target.path !== ":memory:" && !existsSync(target.path))
      throw new StoreOpenError(
        `DATABASE_URL: there is no SQLite database at ${resolve(target.path)} yet (the bot creates it at first start)`,
      );
    const { raw } = openSqliteFile(target.path);
    try {
      return sqliteStatus(raw, MIGRATIONS);
    } finally {
      raw.close();
    }
  }
  const client = await connectClient(target, postgresOptions(options));
  try {
    return await postgresStatus(client, MIGRATIONS);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `db migrate`: applies pending migrations now, under the same lock as start-up. */
export async function migrateDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<MigrationRun> {
  const target = targetOf(databaseUrl);
  if (target.dialect === "sqlite") {
    const { raw } = openSqliteFile(target.path);
    try {
      return migrateSqlite(raw, MIGRATIONS, (options.now ?? (() => new Date()))());
    } finally {
      raw.close();
    }
  }
  const client = await connectClient(target, postgresOptions(options));
  try {
    return await migratePostgres(client, MIGRATIONS, (options.now ?? (() => new Date()))());
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type CopyResult =
  | { ok: true; rows: Record<string, number> }
  | { ok: false; reason: "target-not-empty"; rows: Record<string, number> };

type Table = (typeof DATA_TABLES)[number];

/** How each table is paged through (its primary key), and which ones have an id sequence. */
const ORDER: Record<Table, string[]> = {
  subscriptions: ["id"],
  outbox: ["id"],
  audit_log: ["id"],
  kv: ["key"],
  document_state: ["document_id"],
  document_versions: ["id"],
  document_raw: ["document_id"],
  needs_review: ["provider_id"],
  broken_links: ["provider_id", "url"],
  reminder_campaigns: ["id"],
  reminder_states: ["id"],
  reminder_user_tools: ["team_id", "user_id", "provider_id"],
  reminder_anonymous_counts: ["campaign_id", "state"],
  reminder_audience_sources: ["campaign_id", "kind", "source_id"],
  reminder_memberships: ["campaign_id", "user_id", "source_id"],
  catalog_history: ["id"],
  installations: ["installation_key"],
  installation_teams: ["team_id"],
  oauth_used_states: ["digest"],
};
const WITH_ID = DATA_TABLES.filter((t) => ORDER[t][0] === "id");
const PAGE = 200;

async function rowCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

/** The highest id a table's sequence has handed out (deleted rows included), so ids are never reused. */
async function idFloor(db: Kysely<DB>, dialect: "sqlite" | "postgres", table: Table): Promise<number> {
  if (dialect === "sqlite") {
    const seq = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = ${table}`
      .execute(db)
      .catch(() => ({ rows: [] as { seq: number }[] }));
    return Number(seq.rows[0]?.seq ?? 0);
  }
  // NULL until the sequence handed out its first value.
  const seq = await sql<{ last: number | null }>`
    SELECT pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass) AS last`.execute(db);
  return Number(seq.rows[0]?.last ?? 0);
}

const isAutoincrement = async (db: Kysely<DB>, table: Table) =>
  (
    await sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${table} AND sql LIKE '%AUTOINCREMENT%'`.execute(
      db,
    )
  ).rows.length > 0;

/** A value as the other dialect takes it: times as ISO strings, booleans as 1/0 (see schema.ts). */
const portable = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString() : typeof value === "boolean" ? (value ? 1 : 0) : value;

/**
 * `db copy <from> <to>`: every table from one database to another (SQLite ⇄ PostgreSQL), both migrated to
 * this release's schema first. One transaction on the target: a failure leaves it as it was. A target with
 * rows is refused unless `force` (its rows are then replaced). Id sequences continue after the source's,
 * so ids that appear in idempotency keys are never handed out twice.
 */
export async function copyDatabase(
  fromUrl: string,
  toUrl: string,
  options: OpenOptions & { force?: boolean } = {},
): Promise<CopyResult> {
  const from = await openDatabase(fromUrl, options);
  try {
    const to = await openDatabase(toUrl, options);
    try {
      const existing = await rowCounts(to.db);
      if (!options.force && Object.values(existing).some((n) => n > 0))
        return { ok: false, reason: "target-not-empty", rows: existing };
      const floors = new Map<Table, number>();
      for (const table of WITH_ID) floors.set(table, await idFloor(from.db, from.dialect, table));
      await to.db.transaction().execute(async (tx) => {
        for (const table of [...DATA_TABLES].reverse()) await tx.deleteFrom(table).execute();
        for (const table of DATA_TABLES) {
          for (let offset = 0; ; offset += PAGE) {
            let page = from.db.selectFrom(table).selectAll();
            for (const column of ORDER[table]) page = page.orderBy(sql.ref(column));
            const rows = (await page.limit(PAGE).offset(offset).execute()) as Record<string, unknown>[];
            if (rows.length === 0) break;
            const values = rows.map((r) =>
              Object.fromEntries(Object.entries(r).map(([k, v]) => [k, portable(v)])),
            );
            // Rows of whichever table, copied column for column: the typed builder cannot name one row type.
            await tx
              .insertInto(table)
              .values(values as never)
              .execute();
            if (rows.length < PAGE) break;
          }
        }
        for (const table of WITH_ID) {
          const max = Number(
            (
              await tx
                .selectFrom(table)
                .select((eb) => eb.fn.max("id").as("m"))
                .executeTakeFirst()
            )?.m ?? 0,
          );
          const next = Math.max(max, floors.get(table) ?? 0);
          if (to.dialect === "postgres") {
            await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), ${Math.max(next, 1)}, ${next > 0})`.execute(
              tx,
            );
          } else if (await isAutoincrement(tx, table)) {
            // Only AUTOINCREMENT tables remember ids past max(id); the others reuse max(id) + 1 anyway.
            await sql`DELETE FROM sqlite_sequence WHERE name = ${table}`.execute(tx);
            await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${table}, ${next})`.execute(tx);
          }
        }
      });
      return { ok: true, rows: await rowCounts(to.db) };
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}
