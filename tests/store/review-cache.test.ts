import { afterEach, describe, expect, it } from "vitest";
import { openKyselyStore, type Store } from "../../src/store/index.js";
import { freshPgSchema, type PgSchema, pgNotice, TEST_DATABASE_URL } from "../support/pg.js";

/**
 * On PostgreSQL the review flags every slash command reads are kept in memory while the store's change
 * feed (LISTEN) is live and has heard nothing: any write by any instance NOTIFYs it at commit.
 */
pgNotice("the review-flag cache");

const flag = (providerId: string) => ({ providerId, documentId: "d1", versionId: 1, since: new Date(0) });
const ids = async (store: Store) => (await store.documents.reviewFlags()).map((f) => f.providerId);

async function eventually(what: string, check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function twoInstances(): Promise<{ a: Store; b: Store; schema: PgSchema }> {
  const schema = await freshPgSchema();
  const a = await openKyselyStore(schema.url, { postgres: { poolSize: 2 } });
  const b = await openKyselyStore(schema.url, { postgres: { poolSize: 2 } });
  cleanups.push(async () => {
    await a.close();
    await b.close();
    await schema.drop();
  });
  // The feeds are live once each has answered a write's NOTIFY.
  await b.documents.flagForReview(flag("warm-up"));
  await eventually("both feeds to hear a write", async () => (await ids(a)).includes("warm-up"));
  await b.documents.clearReview("warm-up");
  await eventually("both feeds to hear the clear", async () => (await ids(a)).length === 0);
  return { a, b, schema };
}

describe.skipIf(!TEST_DATABASE_URL)("review flags on PostgreSQL, kept between writes", () => {
  it("another instance's write reaches this one's next reads at its commit", async () => {
    const { a, b } = await twoInstances();
    expect(await ids(a)).toEqual([]);
    await b.documents.flagForReview(flag("claude"));
    await eventually("instance A to see B's flag", async () => (await ids(a)).includes("claude"));
    await b.transaction(async (tx) => {
      await tx.documents.clearReview("claude");
      await tx.documents.flagForReview(flag("gemini"));
    });
    await eventually("instance A to see B's transaction", async () => (await ids(a)).join() === "gemini");
  });

  it("is answered from memory while nothing was written: a write that bypasses NOTIFY is not seen", async () => {
    const { a, schema } = await twoInstances();
    // Straight to the table, without the NOTIFY every store write sends: a kept answer stands. The channel
    // is the database's, so other test files' writes (other schemas) may end a kept answer at any moment:
    // a few tries, each after the last notification has had time to arrive.
    const table = `${schema.schema}.needs_review`;
    let kept = false;
    for (let attempt = 0; attempt < 10 && !kept; attempt += 1) {
      await schema.admin(
        `INSERT INTO ${table} (provider_id, document_id, version_id, since) VALUES ('claude', 'd1', 1, now())`,
      );
      await schema.admin("SELECT pg_notify('ai_privacy_review_flags', '')");
      await eventually("the insert to be read", async () => (await ids(a)).includes("claude"));
      await new Promise((r) => setTimeout(r, 100));
      await ids(a); // kept from here on
      await schema.admin(`DELETE FROM ${table}`);
      kept = (await ids(a)).includes("claude");
    }
    expect(kept, "a read answered from memory").toBe(true);
    await schema.admin("SELECT pg_notify('ai_privacy_review_flags', '')");
    await eventually("the notification to end the kept answer", async () => (await ids(a)).length === 0);
  });

  it("its own writes are seen at once, also from a transaction once it commits, and never a rolled-back one", async () => {
    const { a } = await twoInstances();
    await a.documents.flagForReview(flag("claude"));
    expect(await ids(a)).toEqual(["claude"]);
    await a.transaction(async (tx) => {
      await tx.documents.flagForReview(flag("gemini"));
      expect(await ids(tx)).toEqual(["claude", "gemini"]); // the transaction reads its own write
    });
    expect(await ids(a)).toEqual(["claude", "gemini"]);
    await expect(
      a.transaction(async (tx) => {
        await tx.documents.clearReview("claude");
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await ids(a)).toEqual(["claude", "gemini"]);
  });

  it("with its LISTEN session gone nothing is answered from memory, and the feed comes back by itself", async () => {
    const { a, schema } = await twoInstances();
    await a.documents.flagForReview(flag("claude"));
    expect(await ids(a)).toEqual(["claude"]);
    const listeners = async () =>
      (
        await schema.admin(
          "SELECT pid FROM pg_stat_activity WHERE query ILIKE 'LISTEN ai_privacy_review_flags%' AND pid <> pg_backend_pid()",
        )
      ).rows as { pid: number }[];
    const before = await listeners();
    expect(before.length).toBeGreaterThanOrEqual(2);
    await schema.admin("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [
      before.map((r) => r.pid),
    ]);
    // Lost: a write that bypasses NOTIFY is seen, because nothing is kept while no one listens.
    await schema.admin(`DELETE FROM ${schema.schema}.needs_review`);
    await eventually("instance A to read the table again", async () => (await ids(a)).length === 0);
    await eventually("the LISTEN sessions to come back", async () => (await listeners()).length >= 2, 10_000);
  });
});

describe("review flags on a SQLite file, kept between writes", () => {
  it("a commit by another connection (the CLI) is seen by the very next read", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "review-cache-")), "bot.db")}`;
    const bot = await openKyselyStore(url);
    const cli = await openKyselyStore(url);
    cleanups.push(async () => {
      await bot.close();
      await cli.close();
    });
    await bot.documents.flagForReview(flag("claude"));
    expect(await ids(bot)).toEqual(["claude"]);
    expect(await ids(bot)).toEqual(["claude"]);
    expect(await cli.documents.clearReview("claude")).toBe(true);
    expect(await ids(bot)).toEqual([]);
    await cli.transaction((tx) => tx.documents.flagForReview(flag("gemini")));
    expect(await ids(bot)).toEqual(["gemini"]);
  });
});
