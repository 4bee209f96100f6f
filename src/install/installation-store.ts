import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import type { Clock } from "../clock.js";
import type { InstallationRecord, Store } from "../store/index.js";
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

export function toInstallation(record: InstallationRecord, key: Buffer): Installation<"v2", boolean> {
  return {
    team: record.teamId ? { id: record.teamId } : undefined,
    enterprise: record.enterpriseId ? { id: record.enterpriseId } : undefined,
    user: { id: record.installerUserId, token: undefined, scopes: undefined },
    bot: {
      token: unseal(key, record.botToken),
      ...(record.refreshToken ? { refreshToken: unseal(key, record.refreshToken) } : {}),
      ...(record.tokenExpiresAt ? { expiresAt: Math.floor(record.tokenExpiresAt.getTime() / 1000) } : {}),
      scopes: record.scopes,
      id: record.botId,
      userId: record.botUserId,
    },
    tokenType: "bot",
    isEnterpriseInstall: record.isEnterpriseInstall,
    authVersion: "v2",
  } as Installation<"v2", boolean>;
}

export function sealedInstallationStore(store: Store, key: Buffer, now: Clock): InstallationStore {
  return {
    async storeInstallation(installation) {
      const storeKey = installationKey({
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        isEnterpriseInstall: installation.isEnterpriseInstall,
      });
      const previous = storeKey ? await store.installations.get(storeKey) : undefined;
      await store.installations.save(toRecord(installation, key, now(), previous));
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
      if (!record)
        throw new NotInstalledError(
          `no installation for ${query.isEnterpriseInstall ? `organisation ${query.enterpriseId}` : `workspace ${query.teamId}`}`,
        );
      return toInstallation(record, key);
    },
    async deleteInstallation(query) {
      const storeKey = installationKey(query);
      if (storeKey) await store.installations.purge(storeKey, query.teamId ? [query.teamId] : []);
    },
  };
}
