import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openKyselyStore, type Store } from "../../src/store/index.js";
import { freshPgSchema, TEST_DATABASE_URL } from "./pg.js";

/**
 * Which store the end-to-end suites run on: SQLite by default, PostgreSQL with `TEST_STORE=postgres`
 * (on TEST_DATABASE_URL; each bot gets its own schema, dropped when its store closes).
 */
export const TEST_STORE: "sqlite" | "postgres" =
  process.env.TEST_STORE === "postgres" ? "postgres" : "sqlite";

if (TEST_STORE === "postgres" && !TEST_DATABASE_URL)
  throw new Error("TEST_STORE=postgres needs TEST_DATABASE_URL (a PostgreSQL database to create schemas in)");

/** A fresh, empty store of the chosen kind; closing it also drops its PostgreSQL schema. */
export async function openTestStore(sqlitePath = ":memory:"): Promise<Store> {
  if (TEST_STORE === "sqlite") return openKyselyStore(`sqlite:${sqlitePath}`);
  const schema = await freshPgSchema();
  const store = await openKyselyStore(schema.url, { postgres: { poolSize: 4 } });
  return {
    ...store,
    close: async () => {
      await store.close();
      await schema.drop();
    },
  };
}

/** A store on the database `spawnDatabaseUrl(sqliteFile)` names: reopening the same file sees the same rows. */
export async function openTestStoreAt(sqliteFile: string): Promise<Store> {
  return openKyselyStore(spawnDatabaseUrl(sqliteFile), { postgres: { poolSize: 4 } });
}

const schemaUrls = new Map<string, string>();

/**
 * DATABASE_URL for a database that outlives one store (a spawned bot process, a restart): its SQLite file,
 * or (TEST_STORE=postgres) a schema created on the first call for that file and returned again for the
 * same file, created synchronously so that spawning stays synchronous; it is left for the test database's drop.
 */
export function spawnDatabaseUrl(sqliteFile: string): string {
  if (TEST_STORE === "sqlite") return `sqlite:${sqliteFile}`;
  const known = schemaUrls.get(sqliteFile);
  if (known) return known;
  const schema = `spawn_${randomBytes(6).toString("hex")}`;
  const made = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import pg from "pg"; const c = new pg.Client({ connectionString: process.env.URL }); await c.connect(); await c.query("CREATE SCHEMA ${schema}"); await c.end();`,
    ],
    { env: { ...process.env, URL: TEST_DATABASE_URL }, cwd: process.cwd(), encoding: "utf8" },
  );
  if (made.status !== 0) throw new Error(`cannot create schema ${schema}: ${made.stderr}`);
  const url = new URL(TEST_DATABASE_URL as string);
  url.searchParams.set("options", `-c search_path=${schema}`);
  schemaUrls.set(sqliteFile, url.toString());
  return url.toString();
}
