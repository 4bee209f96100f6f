import { randomBytes } from "node:crypto";
import pg from "pg";

/** TEST_DATABASE_URL, or undefined (PostgreSQL tests then skip with a one-line notice). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

export function noticeSkippedWithoutPostgres(suite: string): void {
  if (!TEST_DATABASE_URL)
    console.warn(`${suite} skipped: TEST_DATABASE_URL is not set (a PostgreSQL to test on)`);
}

/**
 * A fresh database on the TEST_DATABASE_URL server for one test file (advisory locks and tables are per
 * database, so files running in parallel cannot see each other's locks). `drop` ends its sessions first.
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
