import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { describeFailure, runCli } from "../../src/cli.js";
import { openKyselyStore } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/kysely/migrations/index.js";
import { freshPgSchema, pgNotice, TEST_DATABASE_URL } from "../support/pg.js";

/** The highest version (numbers handed out for work that needed no schema change stay unused). */
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
const sink = () => {
  let text = "";
  return {
    write(s: string) {
      text += s;
      return true;
    },
    get text() {
      return text;
    },
  };
};
async function cli(args: string[], databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  const out = sink();
  const err = sink();
  let code: number;
  try {
    code = await runCli(args, out, err, {});
  } catch (e) {
    const known = describeFailure(e);
    if (!known) throw e;
    err.write(known);
    code = 2;
  }
  return { code, out: out.text, err: err.text };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), "db-cli-"));
  dirs.push(dir);
  return join(dir, "bot.db");
};

describe("ai-privacy db", () => {
  it("status on a legacy file shows 1–5 applied and the rest pending (exit 1); migrate applies them; status is then 0", async () => {
    const path = file();
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, 5)) raw.exec(m.sqlite);
    raw.pragma("user_version = 5");
    raw.close();
    const before = await cli(["db", "status"], `sqlite:${path}`);
    expect(before.code).toBe(1);
    expect(before.out).toContain(`schema version 5 of ${LATEST}`);
    expect(before.out).toContain("(pending)");
    const migrated = await cli(["db", "migrate"], `sqlite:${path}`);
    expect(migrated).toMatchObject({ code: 0 });
    expect(migrated.out).toContain("recorded as already applied: 1, 2, 3, 4, 5");
    expect(migrated.out).toContain(
      `applied: ${MIGRATIONS.slice(5)
        .map((m) => m.version)
        .join(", ")}`,
    );
    const after = await cli(["db", "status", "--json"], `sqlite:${path}`);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.out)).toMatchObject({
      current: LATEST,
      latest: LATEST,
      upToDate: true,
      pending: [],
    });
    expect((await cli(["db", "migrate"], `sqlite:${path}`)).out).toContain("nothing to apply");
  });

  it("status of a missing file does not create it; a newer schema is refused with exit 2", async () => {
    const missing = await cli(["db", "status"], `sqlite:${file()}`);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("there is no SQLite database at");
    const path = file();
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST + 1}`);
    raw.close();
    const newer = await cli(["db", "migrate"], `sqlite:${path}`);
    expect(newer.code).toBe(2);
    expect(newer.err).toContain(
      `the database is at schema version ${LATEST + 1}, newer than this release (${LATEST}); run a newer release`,
    );
  });

  it("copy refuses a non-empty target (exit 2) unless --force, and bad arguments are usage errors", async () => {
    const from = `sqlite:${file()}`;
    const to = `sqlite:${file()}`;
    for (const [url, key] of [
      [from, "a"],
      [to, "b"],
    ]) {
      const s = await openKyselyStore(url as string);
      await s.kv.set(key as string, 1, new Date());
      await s.close();
    }
    const refused = await cli(["db", "copy", from, to], "sqlite::memory:");
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already holds 1 rows \(kv 1\); nothing was copied\. Pass --force/);
    const forced = await cli(["db", "copy", from, to, "--force"], "sqlite::memory:");
    expect(forced).toMatchObject({ code: 0 });
    expect(forced.out).toMatch(/^copied 1 rows from sqlite:.* to sqlite:.*: kv 1\n$/);
    expect((await cli(["db", "copy", from, "mysql://x/y"], "sqlite::memory:")).code).toBe(2);
    expect((await cli(["db", "rollback"], "sqlite::memory:")).err).toContain('unknown db command "rollback"');
  });

  pgNotice("db status on PostgreSQL");
  it.skipIf(!TEST_DATABASE_URL)("status and migrate on PostgreSQL, password never shown", async () => {
    const schema = await freshPgSchema();
    try {
      const before = await cli(["db", "status"], schema.url);
      expect(before.code).toBe(1);
      expect(before.out).toContain(`schema version 0 of ${LATEST}`);
      expect((await cli(["db", "migrate"], schema.url)).out).toContain(
        `applied: ${MIGRATIONS.map((m) => m.version).join(", ")}`,
      );
      expect((await cli(["db", "status"], schema.url)).code).toBe(0);
    } finally {
      await schema.drop();
    }
  });
});
