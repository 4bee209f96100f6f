import { z } from "zod";
import type {
  AuditEntry,
  AuditRepository,
  KeyValueRepository,
  Subscription,
  SubscriptionKind,
  SubscriptionRepository,
} from "../core.js";
import { FORGOTTEN_ACTOR } from "../forgotten.js";
import type { Ctx } from "./context.js";
import { count, json, time, timeOrNull, toDb } from "./rows.js";

const kindsSchema = z.array(z.enum(["deadlines", "changes", "catalog", "regulation"]));

const SubscriptionRow = z
  .object({
    id: z.number(),
    team_id: z.string(),
    channel_id: z.string(),
    provider_id: z.string(),
    kinds: json(kindsSchema),
    created_by: z.string(),
    created_at: time,
    paused_at: timeOrNull,
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
const subscription = (row: unknown) => SubscriptionRow.parse(row);

export function subscriptions({ db, dialect, atomic }: Ctx): SubscriptionRepository {
  return {
    upsert: ({ teamId, channelId, providerId, kinds, createdBy, now }) =>
      atomic(async (tx) => {
        // Insert, or when the row exists lock it (PostgreSQL: FOR UPDATE; SQLite: the write transaction)
        // and widen its kinds: two concurrent subscribes both end up in the union.
        const inserted = await tx
          .insertInto("subscriptions")
          .values({
            team_id: teamId,
            channel_id: channelId,
            provider_id: providerId,
            kinds: JSON.stringify([...kinds].sort()),
            created_by: createdBy,
            created_at: toDb(now),
          })
          .onConflict((oc) => oc.columns(["team_id", "channel_id", "provider_id"]).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) return subscription(inserted);
        const existing = subscription(
          await tx
            .selectFrom("subscriptions")
            .selectAll()
            .where("team_id", "=", teamId)
            .where("channel_id", "=", channelId)
            .where("provider_id", "=", providerId)
            .$if(dialect === "postgres", (q) => q.forUpdate())
            .executeTakeFirstOrThrow(),
        );
        const merged = [...new Set<SubscriptionKind>([...existing.kinds, ...kinds])].sort();
        return subscription(
          await tx
            .updateTable("subscriptions")
            .set({ kinds: JSON.stringify(merged), paused_at: null, paused_reason: null })
            .where("id", "=", existing.id)
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
      }),
    async remove(teamId, channelId, providerIds) {
      if (providerIds !== "all" && providerIds.length === 0) return 0;
      const result = await db
        .deleteFrom("subscriptions")
        .where("team_id", "=", teamId)
        .where("channel_id", "=", channelId)
        .$if(providerIds !== "all", (q) => q.where("provider_id", "in", providerIds as string[]))
        .executeTakeFirst();
      return count(result.numDeletedRows);
    },
    listForChannel: async (teamId, channelId) =>
      (
        await db
          .selectFrom("subscriptions")
          .selectAll()
          .where("team_id", "=", teamId)
          .where("channel_id", "=", channelId)
          .orderBy("provider_id")
          .execute()
      ).map(subscription),
    activeFor: async (providerId, kind) =>
      (
        await db
          .selectFrom("subscriptions")
          .selectAll()
          .where("paused_at", "is", null)
          .where("provider_id", "in", [providerId, "*"])
          .orderBy("id")
          .execute()
      )
        .map(subscription)
        .filter((s) => s.kinds.includes(kind)),
    listAll: async () =>
      (await db.selectFrom("subscriptions").selectAll().orderBy("id").execute()).map(subscription),
    async pause(id, reason, now) {
      await db
        .updateTable("subscriptions")
        .set({ paused_at: toDb(now), paused_reason: reason })
        .where("id", "=", id)
        .where("paused_at", "is", null)
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom("subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? subscription(row) : undefined;
    },
  };
}

const AuditRow = z
  .object({
    at: time,
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
const auditRow = (row: unknown) => AuditRow.parse(row);

export function audit({ db }: Ctx): AuditRepository {
  return {
    async record(e) {
      await db
        .insertInto("audit_log")
        .values({
          at: toDb(e.at),
          team_id: e.teamId,
          actor_id: e.actorId,
          action: e.action,
          detail: JSON.stringify(e.detail),
        })
        .execute();
    },
    list: async (teamId, limit) =>
      (
        await db
          .selectFrom("audit_log")
          .selectAll()
          .where("team_id", "=", teamId)
          .orderBy("id", "desc")
          .limit(limit)
          .execute()
      ).map(auditRow),
    forActor: async (teamId, actorId) =>
      (
        await db
          .selectFrom("audit_log")
          .selectAll()
          .where("team_id", "=", teamId)
          .where("actor_id", "=", actorId)
          .orderBy("id")
          .execute()
      ).map(auditRow),
    forActions: async (teamId, actions, since) =>
      actions.length === 0
        ? []
        : (
            await db
              .selectFrom("audit_log")
              .selectAll()
              .where("team_id", "=", teamId)
              .where("action", "in", [...actions])
              .where("at", ">=", toDb(since))
              .orderBy("id")
              .execute()
          ).map(auditRow),
    async anonymiseActor(teamId, actorId) {
      const result = await db
        .updateTable("audit_log")
        .set({ actor_id: FORGOTTEN_ACTOR })
        .where("team_id", "=", teamId)
        .where("actor_id", "=", actorId)
        .executeTakeFirst();
      return count(result.numUpdatedRows);
    },
  };
}

export function keyValue({ db }: Ctx): KeyValueRepository {
  return {
    async get<T>(key: string) {
      const row = await db.selectFrom("kv").select("value").where("key", "=", key).executeTakeFirst();
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async set(key, value, now) {
      await db
        .insertInto("kv")
        .values({ key, value: JSON.stringify(value), updated_at: toDb(now) })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet((eb) => ({
            value: eb.ref("excluded.value"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .execute();
    },
    async delete(key) {
      await db.deleteFrom("kv").where("key", "=", key).execute();
    },
  };
}
