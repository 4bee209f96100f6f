import { sql } from "kysely";
import { FORGOTTEN_ACTOR } from "../forgotten.js";
import { type AnswerState, personState, type ReminderRepository } from "../reminders.js";
import type { Ctx } from "./context.js";
import { accountMethods } from "./reminder-accounts.js";
import { answerState, campaign, patchColumns, state, ToolRow } from "./reminder-rows.js";
import { count, flag, MANY_CHUNK, toDb } from "./rows.js";

/** Rows per INSERT when adding people: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const INSERT_CHUNK = 500;

export function reminders(ctx: Ctx): ReminderRepository {
  const { db, atomic } = ctx;
  const getCampaign = async (id: number) =>
    db.selectFrom("reminder_campaigns").selectAll().where("id", "=", id).executeTakeFirst();

  return {
    async createCampaign(input) {
      return campaign(
        await db
          .insertInto("reminder_campaigns")
          .values({
            team_id: input.teamId,
            lead_id: input.leadId,
            channel_id: input.channelId,
            provider_id: input.providerId,
            deadline: input.deadline,
            created_at: toDb(input.now),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    },
    async getCampaign(id) {
      const row = await getCampaign(id);
      return row ? campaign(row) : undefined;
    },
    listCampaigns: async (filter) =>
      (
        await db
          .selectFrom("reminder_campaigns")
          .selectAll()
          .$if(filter.teamId !== undefined, (q) => q.where("team_id", "=", filter.teamId as string))
          .$if(filter.status !== undefined, (q) => q.where("status", "=", filter.status as string))
          .$if(filter.leadId !== undefined, (q) => q.where("lead_id", "=", filter.leadId as string))
          .$if(filter.providerId !== undefined, (q) =>
            q.where("provider_id", "=", filter.providerId as string),
          )
          .orderBy("id", "desc")
          .execute()
      ).map(campaign),
    async closeCampaign(id, now) {
      const result = await db
        .updateTable("reminder_campaigns")
        .set({ status: "closed", closed_at: toDb(now) })
        .where("id", "=", id)
        .where("status", "=", "open")
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },
    async setRecheck(id, on) {
      await db
        .updateTable("reminder_campaigns")
        .set({ recheck: flag(on) })
        .where("id", "=", id)
        .execute();
    },
    async markDigest(id, now) {
      await db
        .updateTable("reminder_campaigns")
        .set({ last_digest_at: toDb(now) })
        .where("id", "=", id)
        .execute();
    },
    async addPeople(campaignId, people, now) {
      const c = campaign(await getCampaign(campaignId));
      if (people.length === 0) return 0;
      return atomic(async (tx) => {
        let added = 0;
        for (let i = 0; i < people.length; i += INSERT_CHUNK) {
          const result = await tx
            .insertInto("reminder_states")
            .values(
              people.slice(i, i + INSERT_CHUNK).map((p) => ({
                campaign_id: campaignId,
                team_id: c.teamId,
                user_id: p.userId,
                provider_id: c.providerId,
                tz: p.tz,
                next_at: toDb(p.nextAt),
                updated_at: toDb(now),
              })),
            )
            .onConflict((oc) => oc.columns(["campaign_id", "user_id", "account"]).doNothing())
            .executeTakeFirst();
          added += count(result.numInsertedOrUpdatedRows);
        }
        return added;
      });
    },
    async askedInOpenCampaigns(teamId, providerId) {
      const rows = await db
        .selectFrom("reminder_states as s")
        .innerJoin("reminder_campaigns as c", "c.id", "s.campaign_id")
        .select("s.user_id")
        .distinct()
        .where("c.status", "=", "open")
        .where("c.team_id", "=", teamId)
        .where("c.provider_id", "=", providerId)
        .execute();
      return new Set(rows.map((r) => r.user_id));
    },
    async getState(id) {
      const row = await db.selectFrom("reminder_states").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? state(row) : undefined;
    },
    statesForCampaign: async (campaignId) =>
      (
        await db
          .selectFrom("reminder_states")
          .selectAll()
          .where("campaign_id", "=", campaignId)
          .orderBy("id")
          .execute()
      ).map(state),
    statesForUser: async (teamId, userId) =>
      (
        await db
          .selectFrom("reminder_states")
          .selectAll()
          .where("team_id", "=", teamId)
          .where("user_id", "=", userId)
          .orderBy("id")
          .execute()
      ).map(state),
    due: async (now, limit, campaignId) =>
      (
        await db
          .selectFrom("reminder_states as s")
          .innerJoin("reminder_campaigns as c", "c.id", "s.campaign_id")
          .selectAll("s")
          .where("c.status", "=", "open")
          .where("s.next_at", "is not", null)
          .where("s.next_at", "<=", toDb(now))
          .where("s.state", "in", ["pending", "snoozed"])
          .$if(campaignId !== undefined, (q) => q.where("s.campaign_id", "=", campaignId as number))
          .orderBy("s.next_at")
          .orderBy("s.id")
          .limit(limit)
          .execute()
      ).map(state),
    async transition(id, from: AnswerState, patch, now) {
      const result = await db
        .updateTable("reminder_states")
        .set({ ...patchColumns(patch), updated_at: toDb(now) })
        .where("id", "=", id)
        .where("state", "=", from)
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },
    async transitionMany(ids, from: AnswerState, patch, now) {
      const changed = new Set<number>();
      for (let i = 0; i < ids.length; i += MANY_CHUNK) {
        const rows = await db
          .updateTable("reminder_states")
          .set({ ...patchColumns(patch), updated_at: toDb(now) })
          .where("id", "in", ids.slice(i, i + MANY_CHUNK))
          .where("state", "=", from)
          .returning("id")
          .execute();
        for (const row of rows) changed.add(Number(row.id));
      }
      return changed;
    },
    ...accountMethods(ctx, { state, campaign, patchColumns }),
    tools: async (teamId, userId) =>
      (
        await db
          .selectFrom("reminder_user_tools")
          .selectAll()
          .where("team_id", "=", teamId)
          .where("user_id", "=", userId)
          .orderBy("provider_id")
          .execute()
      ).map((r) => ToolRow.parse(r)),
    setTools: (teamId, userId, providerIds, now) =>
      atomic(async (tx) => {
        await tx
          .deleteFrom("reminder_user_tools")
          .where("team_id", "=", teamId)
          .where("user_id", "=", userId)
          .execute();
        if (providerIds.length === 0) return;
        await tx
          .insertInto("reminder_user_tools")
          .values(
            providerIds.map((p) => ({
              team_id: teamId,
              user_id: userId,
              provider_id: p,
              added_at: toDb(now),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }),
    forgetPerson: (teamId, userId, now) =>
      atomic(async (tx) => {
        // DELETE … RETURNING counts exactly the rows removed, even if an answer changed a moment before.
        const removed = await tx
          .deleteFrom("reminder_states")
          .where("team_id", "=", teamId)
          .where("user_id", "=", userId)
          .returning(["campaign_id", "state"])
          .execute();
        // One anonymous count per campaign, in the person's state over all their accounts, as `counts` does.
        const byCampaign = new Map<number, AnswerState[]>();
        for (const r of removed)
          byCampaign.set(r.campaign_id, [
            ...(byCampaign.get(r.campaign_id) ?? []),
            answerState.parse(r.state),
          ]);
        for (const [campaignId, states] of byCampaign)
          await tx
            .insertInto("reminder_anonymous_counts")
            .values({ campaign_id: campaignId, state: personState(states), count: 1 })
            .onConflict((oc) =>
              oc
                .columns(["campaign_id", "state"])
                .doUpdateSet({ count: sql`reminder_anonymous_counts.count + 1` }),
            )
            .execute();
        const tools = await tx
          .deleteFrom("reminder_user_tools")
          .where("team_id", "=", teamId)
          .where("user_id", "=", userId)
          .executeTakeFirst();
        const campaigns = await tx
          .updateTable("reminder_campaigns")
          .set({ lead_id: FORGOTTEN_ACTOR })
          .where("team_id", "=", teamId)
          .where("lead_id", "=", userId)
          .executeTakeFirst();
        // Delivered or abandoned messages keep their idempotency key (so nothing is re-sent) but lose the
        // person's ID and the text; pending ones are cancelled by the caller through the outbox repository.
        const scrubbed = await tx
          .updateTable("outbox")
          .set((eb) => ({
            channel_id: FORGOTTEN_ACTOR,
            payload: '{"text":""}',
            updated_at: toDb(now),
            notify_user_id: eb
              .case()
              .when("notify_user_id", "=", userId)
              .then(sql<string | null>`NULL`)
              .else(eb.ref("notify_user_id"))
              .end(),
          }))
          .where("team_id", "=", teamId)
          .where("channel_id", "=", userId)
          .where("status", "not in", ["pending", "sending"])
          .executeTakeFirst();
        const subscriptionsAnonymised = await tx
          .updateTable("subscriptions")
          .set({ created_by: FORGOTTEN_ACTOR })
          .where("team_id", "=", teamId)
          .where("created_by", "=", userId)
          .executeTakeFirst();
        await tx
          .updateTable("outbox")
          .set({ notify_user_id: null })
          .where("team_id", "=", teamId)
          .where("notify_user_id", "=", userId)
          .execute();
        return {
          states: removed.length,
          tools: count(tools.numDeletedRows),
          campaignsAnonymised: count(campaigns.numUpdatedRows),
          outboxScrubbed: count(scrubbed.numUpdatedRows),
          subscriptionsAnonymised: count(subscriptionsAnonymised.numUpdatedRows),
        };
      }),
    async purgeClosedBefore(cutoff) {
      const result = await db
        .deleteFrom("reminder_campaigns")
        .where("status", "=", "closed")
        .where("closed_at", "<", toDb(cutoff))
        .executeTakeFirst();
      return count(result.numDeletedRows);
    },
  };
}
