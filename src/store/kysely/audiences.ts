import { sql } from "kysely";
import { z } from "zod";
import type { AudienceRepository, AudienceSource, Membership } from "../audiences.js";
import type { Ctx } from "./context.js";
import { bool, count, flag, timeOrNull, toDb } from "./rows.js";

const SourceRow = z
  .object({
    campaign_id: z.coerce.number(),
    team_id: z.string(),
    kind: z.enum(["channel", "usergroup"]),
    source_id: z.string(),
    auto_enrol: bool,
  })
  .transform(
    (r): AudienceSource => ({
      campaignId: r.campaign_id,
      teamId: r.team_id,
      kind: r.kind,
      sourceId: r.source_id,
      autoEnrol: r.auto_enrol,
    }),
  );

const MembershipRow = z
  .object({
    campaign_id: z.coerce.number(),
    team_id: z.string(),
    user_id: z.string(),
    source_id: z.string(),
    status: z.enum(["member", "left"]),
    seen_us: z.coerce.number(),
    joined_at: timeOrNull,
  })
  .transform(
    (r): Membership => ({
      campaignId: r.campaign_id,
      teamId: r.team_id,
      userId: r.user_id,
      sourceId: r.source_id,
      status: r.status,
      seenUs: r.seen_us,
      joinedAt: r.joined_at,
    }),
  );

/** Rows per INSERT: 7 parameters each, well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

export function audiences({ db, atomic }: Ctx): AudienceRepository {
  return {
    async addSources(sources, autoEnrol) {
      if (!sources.length) return;
      await db
        .insertInto("reminder_audience_sources")
        .values(
          sources.map((s) => ({
            campaign_id: s.campaignId,
            team_id: s.teamId,
            kind: s.kind,
            source_id: s.sourceId,
            auto_enrol: flag(autoEnrol),
          })),
        )
        .onConflict((oc) => oc.columns(["campaign_id", "kind", "source_id"]).doNothing())
        .execute();
    },
    sources: async (campaignId) =>
      (
        await db
          .selectFrom("reminder_audience_sources")
          .selectAll()
          .where("campaign_id", "=", campaignId)
          .orderBy("kind")
          .orderBy("source_id")
          .execute()
      ).map((r) => SourceRow.parse(r)),
    openSources: async (filter) =>
      (
        await db
          .selectFrom("reminder_audience_sources as s")
          .innerJoin("reminder_campaigns as c", "c.id", "s.campaign_id")
          .selectAll("s")
          .where("c.status", "=", "open")
          .$if(filter !== undefined, (q) =>
            q
              .where("s.team_id", "=", filter?.teamId ?? "")
              .where("s.kind", "=", filter?.kind ?? "")
              .where("s.source_id", "=", filter?.sourceId ?? ""),
          )
          .orderBy("s.campaign_id")
          .orderBy("s.kind")
          .orderBy("s.source_id")
          .execute()
      ).map((r) => SourceRow.parse(r)),
    async setAutoEnrol(campaignId, on) {
      await db
        .updateTable("reminder_audience_sources")
        .set({ auto_enrol: flag(on) })
        .where("campaign_id", "=", campaignId)
        .execute();
    },
    async members(campaignId, sourceId) {
      const rows = await db
        .selectFrom("reminder_memberships")
        .selectAll()
        .where("campaign_id", "=", campaignId)
        .where("source_id", "=", sourceId)
        .execute();
      return new Map(rows.map((r) => MembershipRow.parse(r)).map((m) => [m.userId, m]));
    },
    record: (campaignId, teamId, sourceId, changes) =>
      atomic(async (tx) => {
        const changed: string[] = [];
        for (let i = 0; i < changes.length; i += CHUNK) {
          const rows = await tx
            .insertInto("reminder_memberships")
            .values(
              changes.slice(i, i + CHUNK).map((c) => ({
                campaign_id: campaignId,
                team_id: teamId,
                user_id: c.userId,
                source_id: sourceId,
                status: c.status,
                seen_us: c.seenUs,
              })),
            )
            // Only a strictly newer fact replaces the row: a retried or late event is a no-op.
            .onConflict((oc) =>
              oc
                .columns(["campaign_id", "user_id", "source_id"])
                .doUpdateSet({
                  status: sql`excluded.status`,
                  seen_us: sql`excluded.seen_us`,
                })
                .where(sql<boolean>`reminder_memberships.seen_us < excluded.seen_us`),
            )
            .returning(["user_id", "status"])
            .execute();
          changed.push(...rows.map((r) => r.user_id));
        }
        return changed;
      }),
    async isMember(campaignId, userId) {
      const rows = await db
        .selectFrom("reminder_memberships")
        .select("status")
        .where("campaign_id", "=", campaignId)
        .where("user_id", "=", userId)
        .execute();
      return rows.length ? rows.some((r) => r.status === "member") : undefined;
    },
    async markJoined(campaignId, userId, at) {
      await db
        .updateTable("reminder_memberships")
        .set({ joined_at: toDb(at) })
        .where("campaign_id", "=", campaignId)
        .where("user_id", "=", userId)
        .where("joined_at", "is", null)
        .execute();
    },
    async counts(campaignId) {
      const joined = await db
        .selectFrom("reminder_memberships")
        .select((eb) => eb.fn.count<number>("user_id").distinct().as("n"))
        .where("campaign_id", "=", campaignId)
        .where("joined_at", "is not", null)
        .executeTakeFirstOrThrow();
      // A person is left when none of their rows says member, and only counts if they were asked.
      const left = await db
        .selectFrom("reminder_memberships as m")
        .innerJoin("reminder_states as s", (j) =>
          j.onRef("s.campaign_id", "=", "m.campaign_id").onRef("s.user_id", "=", "m.user_id"),
        )
        .select("m.user_id")
        .where("m.campaign_id", "=", campaignId)
        .groupBy("m.user_id")
        .having(sql<boolean>`sum(case when m.status = 'member' then 1 else 0 end) = 0`)
        .execute();
      return { joined: Number(joined.n), left: left.length };
    },
    forUser: async (teamId, userId) =>
      (
        await db
          .selectFrom("reminder_memberships")
          .selectAll()
          .where("team_id", "=", teamId)
          .where("user_id", "=", userId)
          .orderBy("campaign_id")
          .orderBy("source_id")
          .execute()
      ).map((r) => MembershipRow.parse(r)),
    async forgetPerson(teamId, userId) {
      const result = await db
        .deleteFrom("reminder_memberships")
        .where("team_id", "=", teamId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return count(result.numDeletedRows);
    },
  };
}
