import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * PostgreSQL for tests: TEST_DATABASE_URL (CI always sets it). Each caller gets its own schema in that
 * database (libpq's `options=-c search_path=…`), dropped afterwards, so test files never see each other's rows.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

let noticed = false;
/** One line, once per file, when PostgreSQL tests are skipped. */
export function pgNotice(what: string): void {
  if (TEST_DATABASE_URL || noticed) return;
  noticed = true;
  process.stderr.write(`[skip] ${what} on PostgreSQL: TEST_DATABASE_URL is not set\n`);
}

export interface PgSchema {
  url: string;
  schema: string;
  /** Runs SQL on the base database (outside the schema), e.g. pg_terminate_backend. */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function freshPgSchema(base = TEST_DATABASE_URL): Promise<PgSchema> {
  if (!base) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  admin.on("error", () => undefined);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    admin: (sql, params) => admin.query(sql, params),
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}
