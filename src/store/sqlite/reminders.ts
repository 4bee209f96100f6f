import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";
import {
  ANSWER_STATES,
  type AnswerState,
  type Campaign,
  type ReminderRepository,
  type ReminderState,
  type StateCounts,
  type StatePatch,
  type UserTool,
} from "../reminders.js";
import { FORGOTTEN_ACTOR } from "./core.js";
import type { Sync } from "./gate.js";
import { iso, isoOrNull, toIso } from "./rows.js";

const answerState = z.enum(ANSWER_STATES);

const CampaignRow = z
  .object({
    id: z.number(),
    team_id: z.string(),
    lead_id: z.string(),
    channel_id: z.string(),
    provider_id: z.string(),
    deadline: z.string().nullable(),
    recheck: z.number(),
    status: z.enum(["open", "closed"]),
    created_at: iso,
    closed_at: isoOrNull,
    last_digest_at: isoOrNull,
  })
  .transform(
    (r): Campaign => ({
      id: r.id,
      teamId: r.team_id,
      leadId: r.lead_id,
      channelId: r.channel_id,
      providerId: r.provider_id,
      deadline: r.deadline,
      recheck: r.recheck === 1,
      status: r.status,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      lastDigestAt: r.last_digest_at,
    }),
  );

const StateRow = z
  .object({
    id: z.number(),
    campaign_id: z.number(),
    team_id: z.string(),
    user_id: z.string(),
    provider_id: z.string(),
    state: answerState,
    tz: z.string().nullable(),
    next_at: isoOrNull,
    snoozed_until: isoOrNull,
    sends: z.number(),
    last_sent_at: isoOrNull,
    answered_at: isoOrNull,
    updated_at: iso,
  })
  .transform(
    (r): ReminderState => ({
      id: r.id,
      campaignId: r.campaign_id,
      teamId: r.team_id,
      userId: r.user_id,
      providerId: r.provider_id,
      state: r.state,
      tz: r.tz,
      nextAt: r.next_at,
      snoozedUntil: r.snoozed_until,
      sends: r.sends,
      lastSentAt: r.last_sent_at,
      answeredAt: r.answered_at,
      updatedAt: r.updated_at,
    }),
  );

const ToolRow = z
  .object({ team_id: z.string(), user_id: z.string(), provider_id: z.string(), added_at: iso })
  .transform(
    (r): UserTool => ({
      teamId: r.team_id,
      userId: r.user_id,
      providerId: r.provider_id,
      addedAt: r.added_at,
    }),
  );

const CountRow = z.object({ state: answerState, n: z.number() });

const PATCH_COLUMNS: Record<keyof StatePatch, string> = {
  state: "state",
  nextAt: "next_at",
  snoozedUntil: "snoozed_until",
  sends: "sends",
  lastSentAt: "last_sent_at",
  answeredAt: "answered_at",
};

const column = (v: unknown): unknown => (v instanceof Date ? toIso(v) : v);

export function sqliteReminders(db: Database): Sync<ReminderRepository> {
  const statements = new Map<string, Statement>();
  /** Statements built from a few fixed shapes (filters, patches), prepared once each. */
  const prepared = (sql: string): Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const campaign = (row: unknown) => CampaignRow.parse(row);
  const state = (row: unknown) => StateRow.parse(row);
  const getCampaign = db.prepare("SELECT * FROM reminder_campaigns WHERE id = ?");
  const insertState = db.prepare(`
    INSERT INTO reminder_states (campaign_id, team_id, user_id, provider_id, tz, next_at, updated_at)
    VALUES (@campaignId, @teamId, @userId, @providerId, @tz, @nextAt, @now)
    ON CONFLICT (campaign_id, user_id) DO NOTHING`);
  const addCount = db.prepare(`
    INSERT INTO reminder_anonymous_counts (campaign_id, state, count) VALUES (?, ?, 1)
    ON CONFLICT (campaign_id, state) DO UPDATE SET count = count + 1`);

  const counts = (campaignId: number): StateCounts => {
    const out = Object.fromEntries(ANSWER_STATES.map((s) => [s, 0])) as StateCounts;
    const rows = prepared(`
        SELECT state, COUNT(*) AS n FROM reminder_states WHERE campaign_id = ? GROUP BY state
        UNION ALL SELECT state, count AS n FROM reminder_anonymous_counts WHERE campaign_id = ?`).all(
      campaignId,
      campaignId,
    );
    for (const r of rows.map((row) => CountRow.parse(row))) out[r.state] += r.n;
    return out;
  };

  return {
    createCampaign(input) {
      const info = prepared(
        "INSERT INTO reminder_campaigns (team_id, lead_id, channel_id, provider_id, deadline, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(input.teamId, input.leadId, input.channelId, input.providerId, input.deadline, toIso(input.now));
      return campaign(getCampaign.get(info.lastInsertRowid));
    },
    getCampaign(id) {
      const row = getCampaign.get(id);
      return row ? campaign(row) : undefined;
    },
    listCampaigns(filter) {
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        where.push(sql);
        args.push(value);
      };
      if (filter.teamId !== undefined) add("team_id = ?", filter.teamId);
      if (filter.status !== undefined) add("status = ?", filter.status);
      if (filter.leadId !== undefined) add("lead_id = ?", filter.leadId);
      if (filter.providerId !== undefined) add("provider_id = ?", filter.providerId);
      const sql = `SELECT * FROM reminder_campaigns ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC`;
      return prepared(sql)
        .all(...args)
        .map(campaign);
    },
    closeCampaign: (id, now) =>
      prepared(
        "UPDATE reminder_campaigns SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
      ).run(toIso(now), id).changes > 0,
    setRecheck(id, on) {
      prepared("UPDATE reminder_campaigns SET recheck = ? WHERE id = ?").run(on ? 1 : 0, id);
    },
    markDigest(id, now) {
      prepared("UPDATE reminder_campaigns SET last_digest_at = ? WHERE id = ?").run(toIso(now), id);
    },
    addPeople(campaignId, people, now) {
      const c = campaign(getCampaign.get(campaignId));
      return db.transaction(() =>
        people.reduce(
          (n, p) =>
            n +
            insertState.run({
              campaignId,
              teamId: c.teamId,
              userId: p.userId,
              providerId: c.providerId,
              tz: p.tz,
              nextAt: toIso(p.nextAt),
              now: toIso(now),
            }).changes,
          0,
        ),
      )();
    },
    askedInOpenCampaigns(teamId, providerId) {
      const rows = prepared(`
          SELECT DISTINCT s.user_id FROM reminder_states s JOIN reminder_campaigns c ON c.id = s.campaign_id
          WHERE c.status = 'open' AND c.team_id = ? AND c.provider_id = ?`)
        .pluck()
        .all(teamId, providerId);
      return new Set(z.array(z.string()).parse(rows));
    },
    getState(id) {
      const row = prepared("SELECT * FROM reminder_states WHERE id = ?").get(id);
      return row ? state(row) : undefined;
    },
    statesForCampaign: (campaignId) =>
      prepared("SELECT * FROM reminder_states WHERE campaign_id = ? ORDER BY id").all(campaignId).map(state),
    statesForUser: (userId) =>
      prepared("SELECT * FROM reminder_states WHERE user_id = ? ORDER BY id").all(userId).map(state),
    due(now, limit, campaignId) {
      const rows = prepared(`
          SELECT s.* FROM reminder_states s JOIN reminder_campaigns c ON c.id = s.campaign_id
          WHERE c.status = 'open' AND s.next_at IS NOT NULL AND s.next_at <= @now
            AND s.state IN ('pending', 'snoozed') AND (@campaignId IS NULL OR s.campaign_id = @campaignId)
          ORDER BY s.next_at, s.id LIMIT @limit`).all({
        now: toIso(now),
        limit,
        campaignId: campaignId ?? null,
      });
      return rows.map(state);
    },
    transition(id, from: AnswerState, patch, now) {
      const entries = Object.entries(patch) as [keyof StatePatch, unknown][];
      const sets = entries.map(([k]) => `${PATCH_COLUMNS[k]} = @${k}`);
      const values = Object.fromEntries(entries.map(([k, v]) => [k, column(v ?? null)]));
      const sql = `UPDATE reminder_states SET ${[...sets, "updated_at = @now"].join(", ")} WHERE id = @id AND state = @from`;
      return prepared(sql).run({ ...values, id, from, now: toIso(now) }).changes > 0;
    },
    counts,
    tools: (teamId, userId) =>
      prepared("SELECT * FROM reminder_user_tools WHERE team_id = ? AND user_id = ? ORDER BY provider_id")
        .all(teamId, userId)
        .map((r) => ToolRow.parse(r)),
    setTools(teamId, userId, providerIds, now) {
      db.transaction(() => {
        prepared("DELETE FROM reminder_user_tools WHERE team_id = ? AND user_id = ?").run(teamId, userId);
        const insert = prepared(
          "INSERT OR IGNORE INTO reminder_user_tools (team_id, user_id, provider_id, added_at) VALUES (?, ?, ?, ?)",
        );
        for (const id of providerIds) insert.run(teamId, userId, id, toIso(now));
      })();
    },
    forgetPerson: (userId, now) =>
      db.transaction(() => {
        const states = prepared("SELECT campaign_id, state FROM reminder_states WHERE user_id = ?").all(
          userId,
        ) as {
          campaign_id: number;
          state: string;
        }[];
        for (const s of states) addCount.run(s.campaign_id, s.state);
        const result = {
          states: prepared("DELETE FROM reminder_states WHERE user_id = ?").run(userId).changes,
          tools: prepared("DELETE FROM reminder_user_tools WHERE user_id = ?").run(userId).changes,
          campaignsAnonymised: prepared("UPDATE reminder_campaigns SET lead_id = ? WHERE lead_id = ?").run(
            FORGOTTEN_ACTOR,
            userId,
          ).changes,
          // Delivered or abandoned messages keep their idempotency key (so nothing is re-sent) but lose the
          // person's ID and the text; pending ones are cancelled by the caller through the outbox repository.
          outboxScrubbed: prepared(`
              UPDATE outbox SET channel_id = @forgotten, payload = '{"text":""}', updated_at = @now,
                notify_user_id = CASE WHEN notify_user_id = @user THEN NULL ELSE notify_user_id END
              WHERE channel_id = @user AND status != 'pending' AND status != 'sending'`).run({
            forgotten: FORGOTTEN_ACTOR,
            user: userId,
            now: toIso(now),
          }).changes,
          subscriptionsAnonymised: prepared(
            "UPDATE subscriptions SET created_by = ? WHERE created_by = ?",
          ).run(FORGOTTEN_ACTOR, userId).changes,
        };
        prepared("UPDATE outbox SET notify_user_id = NULL WHERE notify_user_id = ?").run(userId);
        return result;
      })(),
    purgeClosedBefore: (cutoff) =>
      prepared("DELETE FROM reminder_campaigns WHERE status = 'closed' AND closed_at < ?").run(toIso(cutoff))
        .changes,
  };
}
