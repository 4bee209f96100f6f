import type { Database } from "better-sqlite3";
import { z } from "zod";
import type { InstallationRecord, InstallationRepository, WorkspacePurge } from "../installations.js";
import type { Sync } from "./gate.js";
import { iso, isoOrNull, json, toIso } from "./rows.js";

const Row = z
  .object({
    installation_key: z.string(),
    team_id: z.string().nullable(),
    enterprise_id: z.string().nullable(),
    is_enterprise_install: z.number(),
    bot_token: z.string(),
    bot_user_id: z.string(),
    bot_id: z.string(),
    scopes: json(z.array(z.string())),
    installer_user_id: z.string(),
    refresh_token: z.string().nullable(),
    token_expires_at: isoOrNull,
    installed_at: iso,
    updated_at: iso,
  })
  .transform(
    (r): InstallationRecord => ({
      key: r.installation_key,
      teamId: r.team_id,
      enterpriseId: r.enterprise_id,
      isEnterpriseInstall: r.is_enterprise_install === 1,
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

/** Tables with a team_id column: everything an uninstall removes for a workspace (states cascade too). */
const TEAM_TABLES = [
  "subscriptions",
  "outbox",
  "audit_log",
  "reminder_states",
  "reminder_user_tools",
  "reminder_campaigns",
] as const;

export function sqliteInstallations(db: Database): Sync<InstallationRepository> {
  const read = (row: unknown) => (row === undefined ? undefined : Row.parse(row));
  const upsert = db.prepare(`
    INSERT INTO installations (installation_key, team_id, enterprise_id, is_enterprise_install, bot_token,
      bot_user_id, bot_id, scopes, installer_user_id, refresh_token, token_expires_at, installed_at, updated_at)
    VALUES (@key, @teamId, @enterpriseId, @isEnterpriseInstall, @botToken, @botUserId, @botId, @scopes,
      @installerUserId, @refreshToken, @tokenExpiresAt, @installedAt, @updatedAt)
    ON CONFLICT (installation_key) DO UPDATE SET team_id = excluded.team_id,
      enterprise_id = excluded.enterprise_id, is_enterprise_install = excluded.is_enterprise_install,
      bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id,
      scopes = excluded.scopes, installer_user_id = excluded.installer_user_id,
      refresh_token = excluded.refresh_token, token_expires_at = excluded.token_expires_at,
      installed_at = excluded.installed_at, updated_at = excluded.updated_at`);
  const byKey = db.prepare("SELECT * FROM installations WHERE installation_key = ?");
  const ownTeam = db.prepare(
    "SELECT * FROM installations WHERE team_id = ? AND is_enterprise_install = 0 LIMIT 1",
  );
  const viaOrg = db.prepare(`
    SELECT i.* FROM installation_teams t
    JOIN installations i ON i.installation_key = t.enterprise_id AND i.is_enterprise_install = 1
    WHERE t.team_id = ?`);
  const link = db.prepare(`
    INSERT INTO installation_teams (team_id, enterprise_id, seen_at) VALUES (?, ?, ?)
    ON CONFLICT (team_id) DO UPDATE SET enterprise_id = excluded.enterprise_id, seen_at = excluded.seen_at`);
  const teams = db.prepare("SELECT team_id FROM installation_teams WHERE enterprise_id = ? ORDER BY team_id");
  const pruneStates = db.prepare("DELETE FROM oauth_used_states WHERE used_at < ?");
  const useState = db.prepare(
    "INSERT INTO oauth_used_states (digest, used_at) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING",
  );
  const deleteTeam = TEAM_TABLES.map(
    (table) => [table, db.prepare(`DELETE FROM ${table} WHERE team_id = ?`)] as const,
  );
  const deleteInstallation = db.prepare("DELETE FROM installations WHERE installation_key = ?");
  const deleteLinks = db.prepare("DELETE FROM installation_teams WHERE team_id = ? OR enterprise_id = ?");
  const countAll = db.prepare("SELECT COUNT(*) AS n FROM installations");

  const purge = db.transaction((key: string, teamIds: readonly string[]): WorkspacePurge => {
    const counts: WorkspacePurge = { installations: deleteInstallation.run(key).changes };
    for (const [table, stmt] of deleteTeam) {
      counts[table] = teamIds.reduce((n, team) => n + stmt.run(team).changes, 0);
    }
    let links = 0;
    for (const team of new Set([...teamIds, key])) links += deleteLinks.run(team, team).changes;
    counts.installation_teams = links;
    return counts;
  });

  return {
    save(r) {
      upsert.run({
        ...r,
        isEnterpriseInstall: r.isEnterpriseInstall ? 1 : 0,
        scopes: JSON.stringify(r.scopes),
        tokenExpiresAt: r.tokenExpiresAt ? toIso(r.tokenExpiresAt) : null,
        installedAt: toIso(r.installedAt),
        updatedAt: toIso(r.updatedAt),
      });
    },
    get(key) {
      return read(byKey.get(key));
    },
    forTeam(teamId) {
      return read(ownTeam.get(teamId)) ?? read(viaOrg.get(teamId));
    },
    linkTeam(teamId, enterpriseId, now) {
      link.run(teamId, enterpriseId, toIso(now));
    },
    consumeState(digest, now, forgetBefore) {
      pruneStates.run(toIso(forgetBefore));
      return useState.run(digest, toIso(now)).changes === 1;
    },
    purge(key, teamIds) {
      return purge(key, teamIds);
    },
    teamsOf(enterpriseId) {
      return (teams.all(enterpriseId) as { team_id: string }[]).map((r) => r.team_id);
    },
    count() {
      return (countAll.get() as { n: number }).n;
    },
  };
}
