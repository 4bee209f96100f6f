import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { copyDatabase, openKyselyStore, type Store } from "../../src/store/index.js";
import { DATA_TABLES } from "../../src/store/kysely/schema.js";
import { freshPgSchema, type PgSchema, pgNotice, TEST_DATABASE_URL } from "../support/pg.js";

const at = (m: number) => new Date(Date.UTC(2026, 10, 30, 8, m, 0, 7));
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
const sqliteUrl = () => {
  const dir = mkdtempSync(join(tmpdir(), "kysely-copy-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return `sqlite:${join(dir, "bot.db")}`;
};
const pgUrl = async () => {
  const schema: PgSchema = await freshPgSchema();
  cleanup.push(() => schema.drop());
  return schema.url;
};

/** A row in every table, through the repositories, including a purged campaign (its id must not come back). */
async function populate(store: Store): Promise<void> {
  const s = await store.subscriptions.upsert({
    teamId: "T1",
    channelId: "C1",
    providerId: "*",
    kinds: ["changes", "deadlines"],
    createdBy: "U1",
    now: at(1),
  });
  await store.subscriptions.pause(s.id, "archived", at(2));
  await store.outbox.enqueue(
    {
      key: "k1",
      kind: "deadline",
      teamId: "T1",
      channelId: "C1",
      payload: { text: "hi", blocks: [{ b: 2, a: 1 }] },
      threadOf: "k0",
      notifyUserId: "U1",
      subscriptionId: s.id,
    },
    at(1),
  );
  const k1 = await store.outbox.get("k1");
  await store.outbox.markRetry(
    k1?.id ?? 0,
    { status: "pending", attempts: 0 },
    "timeout",
    at(5),
    at(3),
    true,
  );
  await store.audit.record({
    at: at(1),
    teamId: "T1",
    actorId: "U1",
    action: "subscribe",
    detail: { channel: "C1" },
  });
  await store.kv.set("catalog", { v: [1, 2] }, at(1));
  await store.documents.saveState({
    documentId: "d",
    providerId: "p",
    url: "https://p/d",
    rulesKey: null,
    etag: null,
    lastModified: null,
    rawHash: "r",
    textHash: "t",
    versionId: 1,
    failures: 1,
    failingSince: at(2),
    lastError: "503",
    failureMayBeTransient: true,
    notifiedFailure: true,
    lastStatus: "failed",
    lastCheckedAt: at(3),
  });
  await store.documents.recordVersion(
    {
      documentId: "d",
      providerId: "p",
      hash: "abcd",
      rawHash: "r",
      text: "ü text",
      effectiveDate: "2026-01-01",
      baseline: true,
    },
    at(1),
  );
  await store.documents.saveRawPage({
    documentId: "d",
    rawHash: "r",
    gzippedHtml: gzipSync("<p>é</p>"),
    fetchedAt: at(1),
  });
  await store.documents.flagForReview({ providerId: "p", documentId: "d", versionId: 1, since: at(1) });
  await store.documents.markLinkBroken({
    providerId: "p",
    url: "https://p/x",
    reason: "HTTP 404",
    since: at(1),
  });
  const purged = await store.reminders.createCampaign({
    teamId: "T1",
    leadId: "U1",
    channelId: "C1",
    providerId: "p",
    deadline: null,
    now: at(0),
  });
  const c = await store.reminders.createCampaign({
    teamId: "T1",
    leadId: "U1",
    channelId: "C1",
    providerId: "p",
    deadline: "2026-12-31",
    now: at(1),
  });
  const last = await store.reminders.createCampaign({
    teamId: "T1",
    leadId: "U1",
    channelId: "C1",
    providerId: "p",
    deadline: null,
    now: at(1),
  });
  await store.reminders.setRecheck(c.id, false);
  await store.reminders.addPeople(
    c.id,
    [
      { userId: "U2", tz: "Europe/Berlin", nextAt: at(4) },
      { userId: "U3", tz: null, nextAt: at(4) },
    ],
    at(1),
  );
  await store.reminders.forgetPerson("T1", "U3", at(2));
  await store.reminders.setTools("T1", "U2", ["p"], at(1));
  await store.audiences.addSources(
    [{ campaignId: c.id, teamId: "T1", kind: "channel", sourceId: "C1" }],
    true,
  );
  await store.audiences.record(c.id, "T1", "C1", [
    { userId: "U2", status: "member", seenUs: at(1).getTime() * 1000 + 7 },
  ]);
  await store.audiences.markJoined(c.id, "U2", at(2));
  await store.catalogHistory.record({
    providerId: "p",
    providerName: "P",
    fromHash: "a",
    toHash: "b",
    fields: [{ field: "steps", before: "x", after: "y" }],
    stepsChanged: true,
    detectedAt: at(1),
  });
  await store.installations.save({
    key: "E1",
    teamId: null,
    enterpriseId: "E1",
    isEnterpriseInstall: true,
    botToken: "v1.sealed",
    botUserId: "UB",
    botId: "B1",
    scopes: ["chat:write", "commands"],
    installerUserId: "U1",
    refreshToken: null,
    tokenExpiresAt: at(50),
    installedAt: at(1),
    updatedAt: at(2),
  });
  await store.installations.linkTeam("T1", "E1", at(3));
  await store.installations.consumeState("digest-1", at(3), at(0));
  for (const id of [purged.id, last.id]) await store.reminders.closeCampaign(id, at(1));
  await store.reminders.purgeClosedBefore(at(2));
}

/** Every table's rows exactly as SQLite stores them. */
function dump(url: string): Record<string, unknown[]> {
  const db = new Database(url.replace(/^sqlite:/, ""), { readonly: true });
  const out = Object.fromEntries(
    DATA_TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]),
  );
  db.close();
  return out;
}

async function copyRoundTrip(middle: string): Promise<void> {
  const source = sqliteUrl();
  const store = await openKyselyStore(source);
  await populate(store);
  await store.close();
  const there = await copyDatabase(source, middle);
  expect(there.ok).toBe(true);
  if (there.ok) expect(Object.values(there.rows).every((n) => n > 0)).toBe(true);
  const back = sqliteUrl();
  expect((await copyDatabase(middle, back)).ok).toBe(true);
  expect(dump(back)).toEqual(dump(source));
  // Ids continue after the source's highest, even one whose row was purged.
  for (const url of [middle, back]) {
    const s = await openKyselyStore(url);
    const next = await s.reminders.createCampaign({
      teamId: "T1",
      leadId: "U1",
      channelId: "C1",
      providerId: "p",
      deadline: null,
      now: at(9),
    });
    expect(next.id).toBe(4);
    await s.close();
  }
}

describe("ai-privacy db copy", () => {
  it("SQLite → SQLite → SQLite keeps every row byte for byte", async () => {
    await copyRoundTrip(sqliteUrl());
  });

  it("refuses a target with rows unless forced, and then replaces them", async () => {
    const source = sqliteUrl();
    const target = sqliteUrl();
    for (const [url, key] of [
      [source, "from-source"],
      [target, "already-there"],
    ] as const) {
      const s = await openKyselyStore(url);
      await s.kv.set(key, 1, at(0));
      await s.close();
    }
    const refused = await copyDatabase(source, target);
    expect(refused).toMatchObject({ ok: false, reason: "target-not-empty", rows: { kv: 1 } });
    expect((await copyDatabase(source, target, { force: true })).ok).toBe(true);
    const s = await openKyselyStore(target);
    expect([await s.kv.get("from-source"), await s.kv.get("already-there")]).toEqual([1, undefined]);
    await s.close();
  });

  pgNotice("db copy SQLite → PostgreSQL → SQLite");
  it.skipIf(!TEST_DATABASE_URL)(
    "SQLite → PostgreSQL → SQLite keeps every row, and PostgreSQL reads them the same",
    async () => {
      const middle = await pgUrl();
      await copyRoundTrip(middle);
      const pgStore = await openKyselyStore(middle);
      expect(await pgStore.outbox.get("k1")).toMatchObject({
        maybePosted: true,
        nextAttemptAt: at(5),
        payload: { text: "hi", blocks: [{ b: 2, a: 1 }] },
      });
      const raw = await pgStore.documents.rawPage("d");
      expect(gunzipSync(raw?.gzippedHtml ?? new Uint8Array()).toString("utf8")).toBe("<p>é</p>");
      expect(await pgStore.reminders.counts(2)).toEqual({
        done: 0,
        not_using: 0,
        snoozed: 0,
        pending: 2,
        unreachable: 0,
        not_affected: 0,
      });
      await pgStore.close();
    },
  );
});
