import { z } from "zod";
import type { InstallationRecord, InstallationRepository, WorkspacePurge } from "../installations.js";
import type { Ctx } from "./context.js";
import { bool, count, flag, json, time, timeOrNull, toDb, toDbOrNull } from "./rows.js";

const Row = z
  .object({
    installation_key: z.string(),
    team_id: z.string().nullable(),
    enterprise_id: z.string().nullable(),
    is_enterprise_install: bool,
    bot_token: z.string(),
    bot_user_id: z.string(),
    bot_id: z.string(),
    scopes: json(z.array(z.string())),
    installer_user_id: z.string(),
    refresh_token: z.string().nullable(),
    token_expires_at: timeOrNull,
    installed_at: time,
    updated_at: time,
  })
  .transform(
    (r): InstallationRecord => ({
      key: r.installation_key,
      teamId: r.team_id,
      enterpriseId: r.enterprise_id,
      isEnterpriseInstall: r.is_enterprise_install,
      botToken: r.bot_token,
      botUserId: r.bot_user_id,
      botId: r.bot_id,
      scopes: r.scopes,
      installerUserId: r.installer_user_id,
      refreshToken: r.refresh_token,
      tokenExpiresAt: r.token_expires_at,
      installedAt: r.installed_at,
      updatedAt: r.updated_at,
    }),
  );
const read = (row: unknown) => (row === undefined ? undefined : Row.parse(row));

/** Tables with a team_id column: everything an uninstall removes for a workspace (states cascade too). */
const TEAM_TABLES = [
  "subscriptions",
  "outbox",
  "audit_log",
  "reminder_states",
  "reminder_memberships",
  "reminder_audience_sources",
  "reminder_user_tools",
  "reminder_campaigns",
] as const;

export function installations({ db, atomic }: Ctx): InstallationRepository {
  return {
    async save(r) {
      const row = {
        installation_key: r.key,
        team_id: r.teamId,
        enterprise_id: r.enterpriseId,
        is_enterprise_install: flag(r.isEnterpriseInstall),
        bot_token: r.botToken,
        bot_user_id: r.botUserId,
        bot_id: r.botId,
        scopes: JSON.stringify(r.scopes),
        installer_user_id: r.installerUserId,
        refresh_token: r.refreshToken,
        token_expires_at: toDbOrNull(r.tokenExpiresAt),
        installed_at: toDb(r.installedAt),
        updated_at: toDb(r.updatedAt),
        // A new install (or reinstall) ends any refresh claim on the old one.
        refresh_claimed_until: null,
      };
      const { installation_key: _key, ...rest } = row;
      await db
        .insertInto("installations")
        .values(row)
        .onConflict((oc) => oc.column("installation_key").doUpdateSet(rest))
        .execute();
    },
    get: async (key) =>
      read(
        await db
          .selectFrom("installations")
          .selectAll()
          .where("installation_key", "=", key)
          .executeTakeFirst(),
      ),
    async forTeam(teamId) {
      const own = await db
        .selectFrom("installations")
        .selectAll()
        .where("team_id", "=", teamId)
        .where("is_enterprise_install", "=", flag(false))
        .limit(1)
        .executeTakeFirst();
      if (own) return read(own);
      return read(
        await db
          .selectFrom("installation_teams as t")
          .innerJoin("installations as i", "i.installation_key", "t.enterprise_id")
          .selectAll("i")
          .where("i.is_enterprise_install", "=", flag(true))
          .where("t.team_id", "=", teamId)
          .executeTakeFirst(),
      );
    },
    async linkTeam(teamId, enterpriseId, now) {
      await db
        .insertInto("installation_teams")
        .values({ team_id: teamId, enterprise_id: enterpriseId, seen_at: toDb(now) })
        .onConflict((oc) =>
          oc.column("team_id").doUpdateSet((eb) => ({
            enterprise_id: eb.ref("excluded.enterprise_id"),
            seen_at: eb.ref("excluded.seen_at"),
          })),
        )
        .execute();
    },
    async consumeState(digest, now, forgetBefore) {
      await db.deleteFrom("oauth_used_states").where("used_at", "<", toDb(forgetBefore)).execute();
      const result = await db
        .insertInto("oauth_used_states")
        .values({ digest, used_at: toDb(now) })
        .onConflict((oc) => oc.column("digest").doNothing())
        .executeTakeFirst();
      return count(result.numInsertedOrUpdatedRows) === 1;
    },
    purge: ({ key, teamIds, organisation }) =>
      atomic(async (tx) => {
        // The organisation's workspaces are read inside the transaction: a workspace linked a moment ago
        // (its first request) is removed with the others, not left behind.
        const linked = organisation
          ? (
              await tx
                .selectFrom("installation_teams")
                .select("team_id")
                .where("enterprise_id", "=", key)
                .execute()
            ).map((r) => r.team_id)
          : [];
        // The key too: a request from an org-wide install that named no workspace is keyed by the enterprise.
        const teams = [...new Set([...linked, ...teamIds, key])].sort();
        const counts: WorkspacePurge = {
          installations: count(
            (await tx.deleteFrom("installations").where("installation_key", "=", key).executeTakeFirst())
              .numDeletedRows,
          ),
        };
        for (const table of TEAM_TABLES) {
          counts[table] = count(
            (await tx.deleteFrom(table).where("team_id", "in", teams).executeTakeFirst()).numDeletedRows,
          );
        }
        counts.installation_teams = count(
          (
            await tx
              .deleteFrom("installation_teams")
              .where((eb) => eb.or([eb("team_id", "in", teams), eb("enterprise_id", "=", key)]))
              .executeTakeFirst()
          ).numDeletedRows,
        );
        return { teams, counts };
      }),
    async claimRefresh(key, refreshToken, now, until) {
      const result = await db
        .updateTable("installations")
        .set({ refresh_claimed_until: toDb(until) })
        .where("installation_key", "=", key)
        .where("refresh_token", "=", refreshToken)
        .where((eb) =>
          eb.or([eb("refresh_claimed_until", "is", null), eb("refresh_claimed_until", "<=", toDb(now))]),
        )
        .executeTakeFirst();
      return count(result.numUpdatedRows) === 1;
    },
    async saveRefreshed(r, previousRefreshToken) {
      const result = await db
        .updateTable("installations")
        .set({
          bot_token: r.botToken,
          refresh_token: r.refreshToken,
          token_expires_at: toDbOrNull(r.tokenExpiresAt),
          updated_at: toDb(r.updatedAt),
          refresh_claimed_until: null,
        })
        .where("installation_key", "=", r.key)
        .where("refresh_token", "=", previousRefreshToken)
        .executeTakeFirst();
      return count(result.numUpdatedRows) === 1;
    },
    async releaseRefresh(key, refreshToken) {
      await db
        .updateTable("installations")
        .set({ refresh_claimed_until: null })
        .where("installation_key", "=", key)
        .where("refresh_token", "=", refreshToken)
        .execute();
    },
    teamsOf: async (enterpriseId) =>
      (
        await db
          .selectFrom("installation_teams")
          .select("team_id")
          .where("enterprise_id", "=", enterpriseId)
          .orderBy("team_id")
          .execute()
      ).map((r) => r.team_id),
    async count() {
      const row = await db
        .selectFrom("installations")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
