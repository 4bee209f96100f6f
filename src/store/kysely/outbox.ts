import { sql, type UpdateObject } from "kysely";
import { z } from "zod";
import type { NewOutboxMessage, OutboxRepository, OutboxRow, OutboxStatus } from "../core.js";
import type { Ctx } from "./context.js";
import { bool, count, flag, json, MANY_CHUNK, time, toDb } from "./rows.js";
import type { DB } from "./schema.js";

const payloadSchema = z.object({
  text: z.string(),
  blocks: z.array(z.unknown()).optional(),
  metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()) }).optional(),
  unfurl_links: z.boolean().optional(),
});

const OutboxRowSchema = z
  .object({
    id: z.number(),
    idempotency_key: z.string(),
    kind: z.string(),
    team_id: z.string(),
    channel_id: z.string(),
    thread_of: z.string().nullable(),
    payload: json(payloadSchema),
    status: z.enum(["pending", "sending", "sent", "failed", "cancelled"]),
    attempts: z.number(),
    next_attempt_at: time,
    last_error: z.string().nullable(),
    maybe_posted: bool,
    posted_ts: z.string().nullable(),
    notify_user_id: z.string().nullable(),
    subscription_id: z.number().nullable(),
    created_at: time,
    updated_at: time,
  })
  .transform(
    (r): OutboxRow => ({
      id: r.id,
      key: r.idempotency_key,
      kind: r.kind,
      teamId: r.team_id,
      channelId: r.channel_id,
      threadOf: r.thread_of,
      payload: r.payload,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      maybePosted: r.maybe_posted,
      postedTs: r.posted_ts,
      notifyUserId: r.notify_user_id,
      subscriptionId: r.subscription_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }),
  );
const outboxRow = (row: unknown) => OutboxRowSchema.parse(row);

const outboxValues = (m: NewOutboxMessage, now: Date) => ({
  idempotency_key: m.key,
  kind: m.kind,
  team_id: m.teamId,
  channel_id: m.channelId,
  thread_of: m.threadOf ?? null,
  payload: JSON.stringify(m.payload),
  next_attempt_at: toDb(m.notBefore ?? now),
  notify_user_id: m.notifyUserId ?? null,
  subscription_id: m.subscriptionId ?? null,
  created_at: toDb(now),
  updated_at: toDb(now),
});

export function outbox({ db }: Ctx): OutboxRepository {
  const update = async (id: number, set: UpdateObject<DB, "outbox">) => {
    await db.updateTable("outbox").set(set).where("id", "=", id).execute();
  };
  return {
    async enqueue(m, now) {
      const result = await db
        .insertInto("outbox")
        .values(outboxValues(m, now))
        .onConflict((oc) => oc.column("idempotency_key").doNothing())
        .executeTakeFirst();
      return count(result.numInsertedOrUpdatedRows) > 0;
    },
    async enqueueMany(messages, now) {
      const written = new Set<string>();
      for (let i = 0; i < messages.length; i += MANY_CHUNK) {
        // ON CONFLICT DO NOTHING skips known keys, and a key repeated within the statement, on both.
        const rows = await db
          .insertInto("outbox")
          .values(messages.slice(i, i + MANY_CHUNK).map((m) => outboxValues(m, now)))
          .onConflict((oc) => oc.column("idempotency_key").doNothing())
          .returning("idempotency_key")
          .execute();
        for (const row of rows) written.add(row.idempotency_key);
      }
      return written;
    },
    async get(key) {
      const row = await db
        .selectFrom("outbox")
        .selectAll()
        .where("idempotency_key", "=", key)
        .executeTakeFirst();
      return row ? outboxRow(row) : undefined;
    },
    due: async (now, limit, teamId) =>
      (
        await db
          .selectFrom("outbox as o")
          .leftJoin("outbox as parent", "parent.idempotency_key", "o.thread_of")
          .selectAll("o")
          .where("o.status", "=", "pending")
          .where("o.next_attempt_at", "<=", toDb(now))
          .$if(teamId !== undefined, (q) => q.where("o.team_id", "=", teamId as string))
          .where((eb) =>
            eb.or([
              eb("o.thread_of", "is", null),
              eb("parent.status", "in", ["sent", "failed"]),
              eb("parent.id", "is", null),
            ]),
          )
          .orderBy("o.next_attempt_at")
          .orderBy("o.id")
          .limit(limit)
          .execute()
      ).map(outboxRow),
    teamsWithWork: async (now) =>
      (
        await db
          .selectFrom("outbox")
          .select("team_id")
          .distinct()
          .where((eb) =>
            eb.or([
              eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", toDb(now))]),
              eb("status", "=", "sending"),
            ]),
          )
          .execute()
      ).map((r) => r.team_id),
    async markSending(id, attempts, now) {
      // One statement, so the check and the claim are atomic on both databases (a row lock on PostgreSQL:
      // a second claim waits for the first to commit, then finds attempts moved on and updates nothing).
      const result = await db
        .updateTable("outbox")
        .set({ status: "sending", attempts: sql<number>`attempts + 1`, updated_at: toDb(now) })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .where("attempts", "=", attempts)
        .executeTakeFirst();
      return count(result.numUpdatedRows) === 1;
    },
    markSent: (id, ts, now) =>
      update(id, { status: "sent", posted_ts: ts, last_error: null, maybe_posted: 0, updated_at: toDb(now) }),
    async markRetry(id, from, error, next, now, maybePosted = false) {
      const result = await db
        .updateTable("outbox")
        .set({
          status: "pending",
          last_error: error,
          next_attempt_at: toDb(next),
          // Deferred unposted (from pending): an earlier attempt's "maybe" stands until history is read.
          ...(from.status === "sending" || maybePosted ? { maybe_posted: flag(maybePosted) } : {}),
          updated_at: toDb(now),
        })
        .where("id", "=", id)
        .where("status", "=", from.status)
        .where("attempts", "=", from.attempts)
        .executeTakeFirst();
      return count(result.numUpdatedRows) === 1;
    },
    async markFailed(id, from, error, now) {
      const result = await db
        .updateTable("outbox")
        .set({ status: "failed", last_error: error, updated_at: toDb(now) })
        .where("id", "=", id)
        .where("status", "=", from.status)
        .where("attempts", "=", from.attempts)
        .executeTakeFirst();
      return count(result.numUpdatedRows) === 1;
    },
    async recoverInterrupted(now, teamId, settleMs = 0) {
      const startedAfter = toDb(new Date(now.getTime() - settleMs));
      const settled = toDb(new Date(now.getTime() + settleMs));
      const result = await db
        .updateTable("outbox")
        .set({
          status: "pending",
          last_error: "interrupted while sending",
          maybe_posted: 1,
          // `updated_at` of a `sending` row is when its attempt was claimed (markSending).
          next_attempt_at: sql<string>`CASE WHEN updated_at > ${startedAfter} THEN ${settled} ELSE next_attempt_at END`,
          updated_at: toDb(now),
        })
        .where("status", "=", "sending")
        .$if(teamId !== undefined, (q) => q.where("team_id", "=", teamId as string))
        .executeTakeFirst();
      return count(result.numUpdatedRows);
    },
    list: async ({ status, limit = 100 }) =>
      (
        await db
          .selectFrom("outbox")
          .selectAll()
          .$if(status !== undefined, (q) => q.where("status", "=", status as OutboxStatus))
          .orderBy("id", "desc")
          .limit(limit)
          .execute()
      ).map(outboxRow),
    async counts() {
      const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
      const rows = await db
        .selectFrom("outbox")
        .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
        .groupBy("status")
        .execute();
      for (const r of rows) out[r.status as OutboxStatus] = Number(r.n);
      return out;
    },
    async cancel(id, reason, now) {
      await db
        .updateTable("outbox")
        .set({ status: "cancelled", last_error: reason, updated_at: toDb(now) })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .execute();
    },
    async cancelForRecipient(teamId, channelId, now) {
      const result = await db
        .updateTable("outbox")
        .set({ status: "cancelled", updated_at: toDb(now) })
        .where("team_id", "=", teamId)
        .where("channel_id", "=", channelId)
        .where("status", "=", "pending")
        .executeTakeFirst();
      return count(result.numUpdatedRows);
    },
    forPerson: async (teamId, userId) =>
      (
        await db
          .selectFrom("outbox")
          .selectAll()
          .where("team_id", "=", teamId)
          .where((eb) => eb.or([eb("channel_id", "=", userId), eb("notify_user_id", "=", userId)]))
          .orderBy("id", "desc")
          .execute()
      ).map(outboxRow),
    async purgeFinishedBefore(before) {
      const result = await db
        .deleteFrom("outbox")
        .where("status", "in", ["sent", "failed", "cancelled"])
        .where("updated_at", "<", toDb(before))
        .executeTakeFirst();
      return count(result.numDeletedRows);
    },
  };
}
