import { type Kysely, sql } from "kysely";
import type { DocumentRepository } from "../monitor.js";
import { type ChangeFeed, REVIEW_FLAGS_CHANNEL } from "./change-feed.js";
import type { Ctx } from "./context.js";
import {
  BrokenLinkRow,
  RawRow,
  ReviewRow,
  readVersion,
  StateRow,
  SummaryRow,
  VersionRow,
} from "./monitor-rows.js";
import { count, flag, toDb, toDbOrNull } from "./rows.js";
import type { DB } from "./schema.js";
import { type CachedRead, cachedRead } from "./shared-read.js";

/**
 * The review flags' read, read on every slash command: compiled once (building a Kysely query costs more
 * than SQLite running it), shared by concurrent callers and, with a change feed (PostgreSQL's NOTIFY,
 * SQLite's data_version), kept until a write (shared-read.ts). Each caller parses its own copy of the rows.
 */
export function reviewFlagsRead(db: Kysely<DB>, feed: ChangeFeed | undefined): CachedRead<unknown[]> {
  const reviewQuery = db.selectFrom("needs_review").selectAll().orderBy("provider_id").compile();
  return cachedRead(async () => (await db.executeQuery(reviewQuery)).rows, feed);
}

export function documents({ db, dialect, shared, afterTransaction }: Ctx): DocumentRepository {
  // Inside a transaction its own writes must be seen: read there, and never into the store-wide copy.
  const reviewRows = afterTransaction ? reviewFlagsRead(db, undefined) : shared.reviewFlags;
  /**
   * A write to the flags: nothing is answered from memory from its start until it has settled and, inside
   * a transaction, until that has committed or rolled back; other instances hear of it by NOTIFY, sent in
   * the same transaction so that it goes out with the commit (change-feed.ts).
   */
  const writingFlags = async <T>(write: () => Promise<T>): Promise<T> => {
    shared.reviewFlags.writing();
    const done = () => shared.reviewFlags.written();
    try {
      const result = await write();
      if (dialect === "postgres") await sql`select pg_notify(${REVIEW_FLAGS_CHANNEL}, '')`.execute(db);
      return result;
    } finally {
      if (afterTransaction) afterTransaction(done);
      else done();
    }
  };
  const versionByHash = (documentId: string, hash: string) =>
    db
      .selectFrom("document_versions")
      .selectAll()
      .where("document_id", "=", documentId)
      .where("hash", "=", hash)
      .executeTakeFirst();
  const touch = (id: number, now: Date) =>
    db
      .updateTable("document_versions")
      .set({ last_seen_at: toDb(now) })
      .where("id", "=", id)
      .execute();

  return {
    async state(documentId) {
      const row = await db
        .selectFrom("document_state")
        .selectAll()
        .where("document_id", "=", documentId)
        .executeTakeFirst();
      return row === undefined ? undefined : StateRow.parse(row);
    },
    async saveState(s) {
      const row = {
        document_id: s.documentId,
        provider_id: s.providerId,
        url: s.url,
        rules_key: s.rulesKey,
        etag: s.etag,
        last_modified: s.lastModified,
        raw_hash: s.rawHash,
        text_hash: s.textHash,
        version_id: s.versionId,
        failures: s.failures,
        failing_since: toDbOrNull(s.failingSince),
        last_error: s.lastError,
        failure_may_be_transient: s.failureMayBeTransient === null ? null : flag(s.failureMayBeTransient),
        notified_failure: flag(s.notifiedFailure),
        last_status: s.lastStatus,
        last_checked_at: toDbOrNull(s.lastCheckedAt),
      };
      const { document_id: _key, ...rest } = row;
      await db
        .insertInto("document_state")
        .values(row)
        .onConflict((oc) => oc.column("document_id").doUpdateSet(rest))
        .execute();
    },
    allStates: async () =>
      (
        await db
          .selectFrom("document_state")
          .selectAll()
          .orderBy("provider_id")
          .orderBy("document_id")
          .execute()
      ).map((row) => StateRow.parse(row)),
    async recordVersion(version, now) {
      const known = readVersion(await versionByHash(version.documentId, version.hash));
      if (known) {
        await touch(known.id, now);
        return { version: { ...known, lastSeenAt: now }, seenBefore: true };
      }
      const inserted = await db
        .insertInto("document_versions")
        .values({
          document_id: version.documentId,
          provider_id: version.providerId,
          hash: version.hash,
          raw_hash: version.rawHash,
          text: version.text,
          first_seen_at: toDb(now),
          last_seen_at: toDb(now),
          effective_date: version.effectiveDate,
          baseline: flag(version.baseline),
        })
        .onConflict((oc) => oc.columns(["document_id", "hash"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { version: VersionRow.parse(inserted), seenBefore: false };
      // Another instance recorded the same text a moment ago: it is a version seen before.
      const raced = readVersion(await versionByHash(version.documentId, version.hash));
      if (!raced) throw new Error(`document version for ${version.documentId} vanished after insert`);
      await touch(raced.id, now);
      return { version: { ...raced, lastSeenAt: now }, seenBefore: true };
    },
    version: async (id) =>
      readVersion(
        await db.selectFrom("document_versions").selectAll().where("id", "=", id).executeTakeFirst(),
      ),
    async findVersion(documentId, hashOrPrefix) {
      const ref = hashOrPrefix.trim().replace(/^#/, "").toLowerCase();
      if (/^\d+$/.test(ref)) {
        return readVersion(
          await db
            .selectFrom("document_versions")
            .selectAll()
            .where("document_id", "=", documentId)
            .where("id", "=", Number(ref))
            .executeTakeFirst(),
        );
      }
      // A hash prefix must be long enough to mean something (and never an empty LIKE pattern).
      if (!/^[0-9a-f]{4,64}$/.test(ref)) return undefined;
      return readVersion(
        await db
          .selectFrom("document_versions")
          .selectAll()
          .where("document_id", "=", documentId)
          .where("hash", "like", `${ref}%`)
          .orderBy("id")
          .limit(1)
          .executeTakeFirst(),
      );
    },
    versions: async (documentId, limit = 50) =>
      (
        await db
          .selectFrom("document_versions")
          .select([
            "id",
            "document_id",
            "provider_id",
            "hash",
            "raw_hash",
            "first_seen_at",
            "last_seen_at",
            "effective_date",
            "baseline",
          ])
          .select((eb) => eb.fn<number>("length", ["text"]).as("chars"))
          .where("document_id", "=", documentId)
          .orderBy("first_seen_at", "desc")
          .orderBy("id", "desc")
          .limit(limit)
          .execute()
      ).map((row) => SummaryRow.parse(row)),
    previousVersion: async (documentId, versionId) =>
      readVersion(
        await db
          .selectFrom("document_versions")
          .selectAll()
          .where("document_id", "=", documentId)
          .where("id", "!=", versionId)
          .where(
            sql<boolean>`(first_seen_at, id) < (SELECT first_seen_at, id FROM document_versions WHERE id = ${versionId})`,
          )
          .orderBy("first_seen_at", "desc")
          .orderBy("id", "desc")
          .limit(1)
          .executeTakeFirst(),
      ),
    async saveRawPage(page) {
      await db
        .insertInto("document_raw")
        .values({
          document_id: page.documentId,
          raw_hash: page.rawHash,
          body: Buffer.from(
            page.gzippedHtml.buffer,
            page.gzippedHtml.byteOffset,
            page.gzippedHtml.byteLength,
          ),
          fetched_at: toDb(page.fetchedAt),
        })
        .onConflict((oc) =>
          oc.column("document_id").doUpdateSet((eb) => ({
            raw_hash: eb.ref("excluded.raw_hash"),
            body: eb.ref("excluded.body"),
            fetched_at: eb.ref("excluded.fetched_at"),
          })),
        )
        .execute();
    },
    async rawPage(documentId) {
      const row = await db
        .selectFrom("document_raw")
        .selectAll()
        .where("document_id", "=", documentId)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const r = RawRow.parse(row);
      return {
        documentId: r.document_id,
        rawHash: r.raw_hash,
        gzippedHtml: new Uint8Array(r.body),
        fetchedAt: r.fetched_at,
      };
    },
    async flagForReview(f) {
      // The first flag's time is kept: "needs review since" is when the steps first may have gone stale.
      const upsert = () =>
        db
          .insertInto("needs_review")
          .values({
            provider_id: f.providerId,
            document_id: f.documentId,
            version_id: f.versionId,
            since: toDb(f.since),
          })
          .onConflict((oc) =>
            oc.column("provider_id").doUpdateSet((eb) => ({
              document_id: eb.ref("excluded.document_id"),
              version_id: eb.ref("excluded.version_id"),
            })),
          )
          .execute();
      await writingFlags(upsert);
    },
    async clearReview(providerId) {
      const result = await writingFlags(() =>
        db.deleteFrom("needs_review").where("provider_id", "=", providerId).executeTakeFirst(),
      );
      return count(result.numDeletedRows) > 0;
    },
    reviewFlags: async () => (await reviewRows.read()).map((row) => ReviewRow.parse(row)),
    async markLinkBroken(link) {
      await db
        .insertInto("broken_links")
        .values({ provider_id: link.providerId, url: link.url, reason: link.reason, since: toDb(link.since) })
        .onConflict((oc) =>
          oc.columns(["provider_id", "url"]).doUpdateSet((eb) => ({ reason: eb.ref("excluded.reason") })),
        )
        .execute();
    },
    async clearBrokenLink(providerId, url) {
      const result = await db
        .deleteFrom("broken_links")
        .where("provider_id", "=", providerId)
        .where("url", "=", url)
        .executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },
    brokenLinks: async () =>
      (await db.selectFrom("broken_links").selectAll().orderBy("provider_id").orderBy("url").execute()).map(
        (row) => BrokenLinkRow.parse(row),
      ),
  };
}
