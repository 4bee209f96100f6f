import type { AuthorizeResult } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import type { InstallationQuery, InstallProvider } from "@slack/oauth";
import type { WebClient } from "@slack/web-api";
import type { Store, WorkspacePurge } from "../store/index.js";
import { NotInstalledError } from "./installation-store.js";

/**
 * Per-workspace tokens for everything the bot does: Bolt's `authorize` for incoming requests, and a
 * client per workspace for the deliverer (which posts without an incoming request). Tokens come from the
 * installation store through InstallProvider#authorize; the store refreshes a rotating token that expires
 * within two hours first, one instance at a time (rotation.ts, docs.slack.dev/authentication/
 * using-token-rotation).
 */

export interface Workspaces {
  /** For Bolt's App `authorize`. A workspace without an installation gets a result without a token. */
  authorize(source: InstallationQuery<boolean>): Promise<AuthorizeResult>;
  /** The workspace's bot token now (refreshed when rotating), or undefined when it has no installation. */
  tokenFor(teamId: string): Promise<string | undefined>;
  /** A delivery client with this workspace's token (cached per token), or undefined when not installed. */
  clientFor(teamId: string): Promise<WebClient | undefined>;
  /**
   * app_uninstalled / tokens_revoked: removes the install and every row about its workspaces (for an
   * org-wide install, every workspace known under the enterprise, whichever one the event came from).
   */
  uninstall(
    query: UninstallQuery,
  ): Promise<{ key: string; teams: string[]; counts: WorkspacePurge } | undefined>;
}

export interface UninstallQuery {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
}

export interface WorkspacesOptions {
  installer: InstallProvider;
  store: Store;
  logger: Logger;
  /** Builds the deliverer's client for a token (outbox's createDeliveryClient). */
  makeClient: (token: string) => WebClient;
  /** How long a looked-up token is reused before the store is asked again. */
  cacheMs?: number;
}

const isNotInstalled = (err: unknown): boolean =>
  err instanceof NotInstalledError || (err as { original?: unknown })?.original instanceof NotInstalledError;

export function createWorkspaces(options: WorkspacesOptions): Workspaces {
  const { installer, store, logger } = options;
  const cacheMs = options.cacheMs ?? 30_000;
  const tokens = new Map<string, { token: string | undefined; at: number }>();
  const clients = new Map<string, { token: string; client: WebClient }>();

  async function lookUp(teamId: string): Promise<string | undefined> {
    const record = await store.installations.forTeam(teamId);
    if (!record) return undefined;
    try {
      const result = await installer.authorize({
        teamId,
        enterpriseId: record.enterpriseId ?? undefined,
        isEnterpriseInstall: record.isEnterpriseInstall,
      } as InstallationQuery<boolean>);
      return result.botToken;
    } catch (err) {
      if (isNotInstalled(err)) return undefined;
      throw err;
    }
  }

  const forget = (teams: readonly string[]) => {
    for (const team of teams) {
      tokens.delete(team);
      clients.delete(team);
    }
  };

  return {
    async authorize(source) {
      try {
        return await installer.authorize(source);
      } catch (err) {
        if (!isNotInstalled(err)) throw err;
        return {
          ...(source.teamId ? { teamId: source.teamId } : {}),
          ...(source.enterpriseId ? { enterpriseId: source.enterpriseId } : {}),
        };
      }
    },
    async tokenFor(teamId) {
      const hit = tokens.get(teamId);
      if (hit && Date.now() - hit.at < cacheMs) return hit.token;
      const token = await lookUp(teamId);
      tokens.set(teamId, { token, at: Date.now() });
      return token;
    },
    async clientFor(teamId) {
      const token = await this.tokenFor(teamId);
      if (!token) return undefined;
      const cached = clients.get(teamId);
      if (cached?.token === token) return cached.client;
      const client = options.makeClient(token);
      clients.set(teamId, { token, client });
      return client;
    },
    async uninstall(query) {
      const key = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
      if (!key) return undefined;
      const organisation = query.isEnterpriseInstall;
      // Stop delivering at once: no cached token survives the uninstall.
      forget([key, ...(organisation ? await store.installations.teamsOf(key) : [])]);
      const { teams, counts } = await store.installations.purge({
        key,
        teamIds: query.teamId ? [query.teamId] : [],
        organisation,
      });
      forget(teams);
      const summary = Object.entries(counts)
        .map(([table, n]) => `${table} ${n}`)
        .join(", ");
      logger.info(
        `uninstalled from ${organisation ? `organisation ${key} (workspaces ${teams.join(", ")})` : `workspace ${key}`}: removed ${summary}`,
      );
      return { key, teams, counts };
    },
  };
}
