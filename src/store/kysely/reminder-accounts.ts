import { sql } from "kysely";
import { z } from "zod";
import {
  ANSWER_STATES,
  type Campaign,
  PERSON_STATE_PRECEDENCE,
  type ReminderRepository,
  type ReminderState,
  type StateCounts,
  type StatePatch,
} from "../reminders.js";
import type { Ctx } from "./context.js";
import { count, toDb } from "./rows.js";

/** The reminder repository's methods for plans and several accounts per person (migration 11). */
type AccountMethods = Pick<
  ReminderRepository,
  "transitionPlan" | "accountsOf" | "addAccount" | "counts" | "extraAccounts"
>;

const CountRow = z.object({ state: z.enum(ANSWER_STATES), n: z.coerce.number() });

export function accountMethods(
  { db }: Ctx,
  rows: {
    state: (row: unknown) => ReminderState;
    campaign: (row: unknown) => Campaign;
    patchColumns: (patch: StatePatch) => Record<string, string | number | null>;
  },
): AccountMethods {
  const { state, campaign, patchColumns } = rows;
  const getCampaign = async (id: number) =>
    db.selectFrom("reminder_campaigns").selectAll().where("id", "=", id).executeTakeFirst();
  // Each person once, in the state of their least finished account (PERSON_STATE_PRECEDENCE): the rank of
  // every row's state, the lowest rank per person, then people per rank.
  const rank = sql<number>`CASE state ${sql.join(
    PERSON_STATE_PRECEDENCE.map((st, i) => sql`WHEN ${sql.lit(st)} THEN ${sql.lit(i)}`),
    sql` `,
  )} END`;
  const counts = async (campaignId: number): Promise<StateCounts> => {
    const out = Object.fromEntries(ANSWER_STATES.map((s) => [s, 0])) as StateCounts;
    const people = db
      .selectFrom("reminder_states")
      .select((eb) => ["user_id", eb.fn.min(rank).as("r")])
      .where("campaign_id", "=", campaignId)
      .groupBy("user_id")
      .as("people");
    const ranked = await db
      .selectFrom(people)
      .select((eb) => ["r", eb.fn.countAll<number>().as("n")])
      .groupBy("r")
      .execute();
    for (const row of ranked) {
      const st = PERSON_STATE_PRECEDENCE[Number(row.r)];
      if (st) out[st] += Number(row.n);
    }
    const forgotten = await db
      .selectFrom("reminder_anonymous_counts")
      .select(["state", "count as n"])
      .where("campaign_id", "=", campaignId)
      .execute();
    for (const r of forgotten.map((row) => CountRow.parse(row))) out[r.state] += r.n;
    return out;
  };

  return {
    counts,
    async transitionPlan(id, from, patch, now) {
      const result = await db
        .updateTable("reminder_states")
        .set({ ...patchColumns(patch), updated_at: toDb(now) })
        .where("id", "=", id)
        .where("state", "=", from.state)
        .where((eb) => (from.plan === null ? eb("plan", "is", null) : eb("plan", "=", from.plan)))
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },
    accountsOf: async (campaignId, userId) =>
      (
        await db
          .selectFrom("reminder_states")
          .selectAll()
          .where("campaign_id", "=", campaignId)
          .where("user_id", "=", userId)
          .orderBy("account")
          .execute()
      ).map(state),
    async addAccount(of, account, nextAt, now) {
      const c = campaign(await getCampaign(of.campaignId));
      const row = await db
        .insertInto("reminder_states")
        .values({
          campaign_id: c.id,
          team_id: c.teamId,
          user_id: of.userId,
          provider_id: c.providerId,
          account,
          tz: of.tz,
          next_at: nextAt ? toDb(nextAt) : null,
          updated_at: toDb(now),
        })
        .onConflict((oc) => oc.columns(["campaign_id", "user_id", "account"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? state(row) : undefined;
    },
    async extraAccounts(campaignId) {
      const row = await db
        .selectFrom("reminder_states")
        .select((eb) => [
          eb.fn.countAll<number>().as("accounts"),
          eb.fn.count<number>("user_id").distinct().as("people"),
        ])
        .where("campaign_id", "=", campaignId)
        .where("account", ">", 1)
        .executeTakeFirstOrThrow();
      return { people: Number(row.people), accounts: Number(row.accounts) };
    },
  };
}
