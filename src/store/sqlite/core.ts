import type { Database } from "better-sqlite3";
import { z } from "zod";
import type {
  AuditEntry,
  AuditRepository,
  KeyValueRepository,
  NewOutboxMessage,
  OutboxRepository,
  OutboxRow,
  OutboxStatus,
  Subscription,
  SubscriptionKind,
  SubscriptionRepository,
} from "../core.js";
import type { Sync } from "./gate.js";
import { iso, isoOrNull, json, toIso } from "./rows.js";

const kindsSchema = z.array(z.enum(["deadlines", "changes", "catalog", "regulation"]));

const SubscriptionRow = z
  .object({
    id: z.number(),
    team_id: z.string(),
    channel_id: z.string(),
    provider_id: z.string(),
    kinds: json(kindsSchema),
    created_by: z.string(),
    created_at: iso,
    paused_at: isoOrNull,
    paused_reason: z.string().nullable(),
  })
  .transform(
    (r): Subscription => ({
      id: r.id,
      teamId: r.team_id,
      channelId: r.channel_id,
      providerId: r.provider_id,
      kinds: r.kinds,
      createdBy: r.created_by,
      createdAt: r.created_at,
      pausedAt: r.paused_at,
      pausedReason: r.paused_reason,
    }),
  );

export function sqliteSubscriptions(db: Database): Sync<SubscriptionRepository> {
  const read = (row: unknown) => SubscriptionRow.parse(row);
  const byKey = db.prepare(
    "SELECT * FROM subscriptions WHERE team_id = ? AND channel_id = ? AND provider_id = ?",
  );
  const insert = db.prepare(
    "INSERT INTO subscriptions (team_id, channel_id, provider_id, kinds, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const widen = db.prepare(
    "UPDATE subscriptions SET kinds = ?, paused_at = NULL, paused_reason = NULL WHERE id = ?",
  );
  return {
    upsert: db.transaction(({ teamId, channelId, providerId, kinds, createdBy, now }) => {
      const existing = byKey.get(teamId, channelId, providerId);
      if (existing) {
        const current = read(existing);
        const merged = [...new Set<SubscriptionKind>([...current.kinds, ...kinds])].sort();
        widen.run(JSON.stringify(merged), current.id);
      } else {
        insert.run(teamId, channelId, providerId, JSON.stringify([...kinds].sort()), createdBy, toIso(now));
      }
      return read(byKey.get(teamId, channelId, providerId));
    }),
    remove(teamId, channelId, providerIds) {
      if (providerIds === "all") {
        return db
          .prepare("DELETE FROM subscriptions WHERE team_id = ? AND channel_id = ?")
          .run(teamId, channelId).changes;
      }
      const del = db.prepare(
        "DELETE FROM subscriptions WHERE team_id = ? AND channel_id = ? AND provider_id = ?",
      );
      return db.transaction(() =>
        providerIds.reduce((n, id) => n + del.run(teamId, channelId, id).changes, 0),
      )();
    },
    listForChannel: (teamId, channelId) =>
      db
        .prepare("SELECT * FROM subscriptions WHERE team_id = ? AND channel_id = ? ORDER BY provider_id")
        .all(teamId, channelId)
        .map(read),
    activeFor: (providerId, kind) =>
      db
        .prepare(
          "SELECT * FROM subscriptions WHERE paused_at IS NULL AND provider_id IN (?, '*') ORDER BY id",
        )
        .all(providerId)
        .map(read)
        .filter((s) => s.kinds.includes(kind)),
    listAll: () => db.prepare("SELECT * FROM subscriptions ORDER BY id").all().map(read),
    pause(id, reason, now) {
      db.prepare(
        "UPDATE subscriptions SET paused_at = ?, paused_reason = ? WHERE id = ? AND paused_at IS NULL",
      ).run(toIso(now), reason, id);
    },
    get(id) {
      const row = db.prepare("SELECT * FROM subscriptions WHERE id = ?").get(id);
      return row ? read(row) : undefined;
    },
  };
}

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
    next_attempt_at: iso,
    last_error: z.string().nullable(),
    maybe_posted: z.number().transform((n) => n === 1),
    posted_ts: z.string().nullable(),
    notify_user_id: z.string().nullable(),
    subscription_id: z.number().nullable(),
    created_at: iso,
    updated_at: iso,
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

export function sqliteOutbox(db: Database): Sync<OutboxRepository> {
  const read = (row: unknown) => OutboxRowSchema.parse(row);
  const insert = db.prepare(`
    INSERT INTO outbox (idempotency_key, kind, team_id, channel_id, thread_of, payload, next_attempt_at,
                        notify_user_id, subscription_id, created_at, updated_at)
    VALUES (@key, @kind, @teamId, @channelId, @threadOf, @payload, @nextAttemptAt, @notifyUserId, @subscriptionId, @now, @now)
    ON CONFLICT (idempotency_key) DO NOTHING`);
  const setStatus = (sql: string) => db.prepare(`UPDATE outbox SET ${sql}, updated_at = @now WHERE id = @id`);
  const sending = setStatus("status = 'sending', attempts = attempts + 1");
  const sent = setStatus("status = 'sent', posted_ts = @ts, last_error = NULL, maybe_posted = 0");
  const retry = setStatus(
    "status = 'pending', last_error = @error, next_attempt_at = @next, maybe_posted = @maybePosted",
  );
  const failed = setStatus("status = 'failed', last_error = @error");
  return {
    enqueue(m: NewOutboxMessage, now: Date) {
      const result = insert.run({
        key: m.key,
        kind: m.kind,
        teamId: m.teamId,
        channelId: m.channelId,
        threadOf: m.threadOf ?? null,
        payload: JSON.stringify(m.payload),
        nextAttemptAt: toIso(m.notBefore ?? now),
        notifyUserId: m.notifyUserId ?? null,
        subscriptionId: m.subscriptionId ?? null,
        now: toIso(now),
      });
      return result.changes > 0;
    },
    get(key) {
      const row = db.prepare("SELECT * FROM outbox WHERE idempotency_key = ?").get(key);
      return row ? read(row) : undefined;
    },
    due: (now, limit, teamId) =>
      db
        .prepare(`
          SELECT o.* FROM outbox o
          LEFT JOIN outbox parent ON parent.idempotency_key = o.thread_of
          WHERE o.status = 'pending' AND o.next_attempt_at <= ?
            AND (? IS NULL OR o.team_id = ?)
            AND (o.thread_of IS NULL OR parent.status = 'sent' OR parent.status = 'failed' OR parent.id IS NULL)
          ORDER BY o.next_attempt_at, o.id LIMIT ?`)
        .all(toIso(now), teamId ?? null, teamId ?? null, limit)
        .map(read),
    teamsWithWork: (now) =>
      (
        db
          .prepare(
            "SELECT DISTINCT team_id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= ?) OR status = 'sending'",
          )
          .all(toIso(now)) as { team_id: string }[]
      ).map((r) => r.team_id),
    markSending: (id, now) => void sending.run({ id, now: toIso(now) }),
    markSent: (id, ts, now) => void sent.run({ id, ts, now: toIso(now) }),
    markRetry: (id, error, next, now, maybePosted = false) =>
      void retry.run({ id, error, next: toIso(next), now: toIso(now), maybePosted: maybePosted ? 1 : 0 }),
    markFailed: (id, error, now) => void failed.run({ id, error, now: toIso(now) }),
    recoverInterrupted: (now, teamId) =>
      db
        .prepare(
          "UPDATE outbox SET status = 'pending', last_error = 'interrupted while sending', maybe_posted = 1, updated_at = ? WHERE status = 'sending' AND (? IS NULL OR team_id = ?)",
        )
        .run(toIso(now), teamId ?? null, teamId ?? null).changes,
    list({ status, limit = 100 }) {
      const rows = status
        ? db.prepare("SELECT * FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?").all(status, limit)
        : db.prepare("SELECT * FROM outbox ORDER BY id DESC LIMIT ?").all(limit);
      return rows.map(read);
    },
    counts() {
      const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
      for (const r of db.prepare("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status").all() as {
        status: OutboxStatus;
        n: number;
      }[])
        out[r.status] = r.n;
      return out;
    },
    cancel: (id, reason, now) =>
      void db
        .prepare(
          "UPDATE outbox SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
        )
        .run(reason, toIso(now), id),
    cancelForRecipient: (channelId, now) =>
      db
        .prepare(
          "UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE channel_id = ? AND status = 'pending'",
        )
        .run(toIso(now), channelId).changes,
    forPerson: (userId) =>
      db
        .prepare("SELECT * FROM outbox WHERE channel_id = ? OR notify_user_id = ? ORDER BY id DESC")
        .all(userId, userId)
        .map(read),
    purgeFinishedBefore: (before) =>
      db
        .prepare("DELETE FROM outbox WHERE status IN ('sent', 'failed', 'cancelled') AND updated_at < ?")
        .run(toIso(before)).changes,
  };
}

const AuditRow = z
  .object({
    at: iso,
    team_id: z.string(),
    actor_id: z.string(),
    action: z.string(),
    detail: json(z.record(z.string(), z.unknown())),
  })
  .transform(
    (r): AuditEntry => ({
      at: r.at,
      teamId: r.team_id,
      actorId: r.actor_id,
      action: r.action,
      detail: r.detail,
    }),
  );

export const FORGOTTEN_ACTOR = "forgotten-user";

export function sqliteAudit(db: Database): Sync<AuditRepository> {
  const read = (row: unknown) => AuditRow.parse(row);
  return {
    record(e) {
      db.prepare("INSERT INTO audit_log (at, team_id, actor_id, action, detail) VALUES (?, ?, ?, ?, ?)").run(
        toIso(e.at),
        e.teamId,
        e.actorId,
        e.action,
        JSON.stringify(e.detail),
      );
    },
    list: (teamId, limit) =>
      db
        .prepare("SELECT * FROM audit_log WHERE team_id = ? ORDER BY id DESC LIMIT ?")
        .all(teamId, limit)
        .map(read),
    forActor: (actorId) =>
      db.prepare("SELECT * FROM audit_log WHERE actor_id = ? ORDER BY id").all(actorId).map(read),
    anonymiseActor: (actorId) =>
      db.prepare("UPDATE audit_log SET actor_id = ? WHERE actor_id = ?").run(FORGOTTEN_ACTOR, actorId)
        .changes,
  };
}

export function sqliteKeyValue(db: Database): Sync<KeyValueRepository> {
  return {
    get<T>(key: string) {
      const row = db.prepare("SELECT value FROM kv WHERE key = ?").get(key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    set(key, value, now) {
      db.prepare(
        "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      ).run(key, JSON.stringify(value), toIso(now));
    },
    delete(key) {
      db.prepare("DELETE FROM kv WHERE key = ?").run(key);
    },
  };
}
