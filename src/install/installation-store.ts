import type { Logger } from "@slack/logger";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import type { Clock } from "../clock.js";
import type { InstallationRecord, Store } from "../store/index.js";
import { type RefreshCall, withFreshToken } from "./rotation.js";
import { seal, unseal } from "./seal.js";

/**
 * @slack/oauth's InstallationStore over the bot's own store (docs.slack.dev/tools/node-slack-sdk/reference/
 * oauth/interfaces/InstallationStore): installs from the OAuth redirect and refreshed tokens (token
 * rotation, InstallProvider#authorize) are saved here with their tokens sealed; `fetchInstallation` opens
 * them for Bolt's `authorize` and for the deliverer. Org-wide installs are keyed by the enterprise id.
 */

export class NotInstalledError extends Error {
  override name = "NotInstalledError";
}

/** The store key: the organisation for an org-wide install, else the workspace. */
export function installationKey(query: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}

export function toRecord(
  installation: Installation,
  key: Buffer,
  now: Date,
  previous: InstallationRecord | undefined,
): InstallationRecord {
  const bot = installation.bot;
  const teamId = installation.team?.id ?? null;
  const enterpriseId = installation.enterprise?.id ?? null;
  const isEnterpriseInstall = installation.isEnterpriseInstall === true;
  const storeKey = isEnterpriseInstall ? enterpriseId : teamId;
  // The app asks only for bot scopes; an install without a bot user cannot post anything.
  if (!bot || !storeKey) throw new Error("the install carried no bot token or no team/enterprise id");
  return {
    key: storeKey,
    teamId: isEnterpriseInstall ? null : teamId,
    enterpriseId,
    isEnterpriseInstall,
    botToken: seal(key, bot.token),
    botUserId: bot.userId,
    botId: bot.id,
    scopes: bot.scopes,
    installerUserId: installation.user.id,
    refreshToken: bot.refreshToken ? seal(key, bot.refreshToken) : null,
    tokenExpiresAt: bot.expiresAt ? new Date(bot.expiresAt * 1000) : null,
    // A token refresh or a reinstall over a live install keeps the first install's date.
    installedAt: previous?.installedAt ?? now,
    updatedAt: now,
  };
}

/**
 * What @slack/oauth gets: the bot token only, never the refresh token or expiry. A token due for refresh
 * was refreshed (coordinated across instances, rotation.ts) before this is built; handing @slack/oauth
 * the refresh token would let its own `authorize` refresh again, uncoordinated.
 */
export function toInstallation(record: InstallationRecord, key: Buffer): Installation<"v2", boolean> {
  return {
    team: record.teamId ? { id: record.teamId } : undefined,
    enterprise: record.enterpriseId ? { id: record.enterpriseId } : undefined,
    user: { id: record.installerUserId, token: undefined, scopes: undefined },
    bot: {
      token: unseal(key, record.botToken),
      scopes: record.scopes,
      id: record.botId,
      userId: record.botUserId,
    },
    tokenType: "bot",
    isEnterpriseInstall: record.isEnterpriseInstall,
    authVersion: "v2",
  } as Installation<"v2", boolean>;
}

export interface SealedStoreDeps {
  store: Store;
  key: Buffer;
  now: Clock;
  /** oauth.v2.access with a refresh token (token rotation). */
  refresh: RefreshCall;
  /** auth.teams.list with an org-wide install's token: the workspaces it is approved for. */
  listOrganisationTeams: (botToken: string) => Promise<string[]>;
  logger: Logger;
}

export function sealedInstallationStore(deps: SealedStoreDeps): InstallationStore {
  const { store, key, now } = deps;
  return {
    async storeInstallation(installation) {
      const storeKey = installationKey({
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        isEnterpriseInstall: installation.isEnterpriseInstall,
      });
      const previous = storeKey ? await store.installations.get(storeKey) : undefined;
      const record = toRecord(installation, key, now(), previous);
      await store.installations.save(record);
      if (record.isEnterpriseInstall && record.enterpriseId && installation.bot)
        await linkOrganisation(deps, record.enterpriseId, installation.bot.token);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      let record: InstallationRecord | undefined;
      if (query.isEnterpriseInstall && query.enterpriseId) {
        record = await store.installations.get(query.enterpriseId);
        // Jobs only know a row's workspace: remember which organisation each workspace belongs to.
        if (record && query.teamId)
          await store.installations.linkTeam(query.teamId, query.enterpriseId, now());
      } else if (query.teamId) {
        record = await store.installations.forTeam(query.teamId);
      }
      // Token rotation: refresh first if due (one instance at a time); uninstalled meanwhile → not installed.
      if (record) record = await withFreshToken(deps, record);
      if (!record)
        throw new NotInstalledError(
          `no installation for ${query.isEnterpriseInstall ? `organisation ${query.enterpriseId}` : `workspace ${query.teamId}`}`,
        );
      return toInstallation(record, key);
    },
    async deleteInstallation(query) {
      const storeKey = installationKey(query);
      if (storeKey)
        await store.installations.purge({
          key: storeKey,
          teamIds: query.teamId ? [query.teamId] : [],
          organisation: query.isEnterpriseInstall === true,
        });
    },
  };
}

/**
 * An org-wide install knows its workspaces from the start (auth.teams.list, docs.slack.dev/reference/
 * methods/auth.teams.list), not only once each has sent a request: the uninstall removes every one of them.
 * Workspaces approved later are linked by their first request (fetchInstallation). A failed listing does
 * not fail the install; it is logged, and requests link their workspaces as before.
 */
async function linkOrganisation(
  deps: SealedStoreDeps,
  enterpriseId: string,
  botToken: string,
): Promise<void> {
  let teams: string[];
  try {
    teams = await deps.listOrganisationTeams(botToken);
  } catch (err) {
    deps.logger.warn(
      `org-wide install ${enterpriseId}: listing its workspaces failed (${(err as Error).message}); each is linked at its first request`,
    );
    return;
  }
  for (const teamId of teams) await deps.store.installations.linkTeam(teamId, enterpriseId, deps.now());
}
