/**
 * Installations of the app (distributed mode): one row per workspace install, or per Enterprise Grid
 * organisation for an org-wide install. Tokens arrive here already sealed (src/install encrypts them);
 * the store never sees a plaintext token. Every call is async, like the rest of the Store.
 */

export interface InstallationRecord {
  /** `T…` team id for a workspace install, `E…` enterprise id for an org-wide install. */
  key: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  /** Sealed (encrypted, versioned) bot token. */
  botToken: string;
  botUserId: string;
  botId: string;
  scopes: string[];
  installerUserId: string;
  /** Sealed refresh token, when the app has token rotation on. */
  refreshToken: string | null;
  /** When the bot token expires (token rotation), else null. */
  tokenExpiresAt: Date | null;
  installedAt: Date;
  updatedAt: Date;
}

/** What an uninstall removed, by table. */
export type WorkspacePurge = Record<string, number>;

export interface InstallationRepository {
  /** Inserts or replaces the installation with this key (a reinstall or a token refresh). */
  save(record: InstallationRecord): Promise<void>;
  get(key: string): Promise<InstallationRecord | undefined>;
  /** The workspace's own install, else the org-wide install of the organisation it was seen in. */
  forTeam(teamId: string): Promise<InstallationRecord | undefined>;
  /** Remembers that a workspace belongs to an organisation with an org-wide install (seen in a request). */
  linkTeam(teamId: string, enterpriseId: string, now: Date): Promise<void>;
  /**
   * Records an OAuth `state` value as used; false when it was used before (a replayed redirect). Values
   * older than `forgetBefore` are dropped: their signature has expired anyway.
   */
  consumeState(digest: string, now: Date, forgetBefore: Date): Promise<boolean>;
  /**
   * Uninstall: in one transaction, deletes the installation with `key` and every row about its workspaces
   * (subscriptions, outbox, audit log, campaigns, per-person states, tools). Its workspaces: `key` itself,
   * `teamIds`, and for an org-wide install (`organisation`) every workspace linked to that enterprise,
   * read inside the same transaction. Returns those workspaces and the counts by table.
   */
  purge(target: {
    key: string;
    teamIds: readonly string[];
    organisation: boolean;
  }): Promise<{ teams: string[]; counts: WorkspacePurge }>;
  /**
   * Token rotation across instances: claims the right to refresh this installation's token until `until`,
   * only while its stored (sealed) refresh token is still `refreshToken` and no other claim is live at
   * `now`. True for the one caller that may call oauth.v2.access.
   */
  claimRefresh(key: string, refreshToken: string, now: Date, until: Date): Promise<boolean>;
  /**
   * Stores a refreshed token pair (bot token, refresh token, expiry, updated at) only if the stored refresh
   * token is still `previousRefreshToken`, and ends the claim. False when the installation was replaced.
   */
  saveRefreshed(record: InstallationRecord, previousRefreshToken: string): Promise<boolean>;
  /** Ends a claim without a new token (the refresh failed), so another instance may try at once. */
  releaseRefresh(key: string, refreshToken: string): Promise<void>;
  /** The workspaces linked to an organisation's org-wide install. */
  teamsOf(enterpriseId: string): Promise<string[]>;
  count(): Promise<number>;
}
