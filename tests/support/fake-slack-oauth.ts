/** One workspace (or organisation) the fake knows, by its bot token: what auth.test answers. */
export interface FakeWorkspace {
  token: string;
  teamId: string | null;
  teamName?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  botUserId: string;
  botId: string;
  installerId: string;
  scopes?: string;
  /** Token rotation: oauth.v2.access also answers refresh_token and expires_in. */
  refreshToken?: string;
  expiresIn?: number;
  /** Org-wide install: the workspaces auth.teams.list answers with. */
  orgTeams?: string[];
}

/** The fake's OAuth v2 side: app credentials, one-time install codes, the bot tokens it answers for. */
export class FakeOAuth {
  /** The app credentials oauth.v2.access accepts. */
  readonly client = { id: "1111.2222", secret: "0123456789abcdef0123456789abcdef" };
  /** Codes not yet exchanged → the workspace they install (each code works once). */
  readonly grants = new Map<string, FakeWorkspace>();
  /** Bot tokens the fake answers for, with their workspace (auth.test per token). */
  readonly workspaces = new Map<string, FakeWorkspace>();
  /** Tokens Slack no longer accepts (after an uninstall or a rotation). */
  readonly revoked = new Set<string>();
  /** Refresh tokens spent, in order. */
  readonly refreshes: string[] = [];
  /** Refresh token → the bot token it bought (spending it again revokes that one). */
  private readonly boughtWith = new Map<string, string>();

  /** oauth.v2.access (docs.slack.dev/reference/methods/oauth.v2.access): client credentials + a one-time code. */
  exchange(args: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> {
    const basic = authorization?.startsWith("Basic ")
      ? Buffer.from(authorization.slice(6), "base64").toString("utf8").split(":")
      : [];
    const id = args.client_id ?? basic[0];
    const secret = args.client_secret ?? basic[1];
    if (id !== this.client.id) return { ok: false, error: "invalid_client_id" };
    if (secret !== this.client.secret) return { ok: false, error: "bad_client_secret" };
    if (args.grant_type === "refresh_token") return this.refresh(String(args.refresh_token ?? ""));
    const w = this.grants.get(String(args.code ?? ""));
    if (!w) return { ok: false, error: "invalid_code" };
    this.grants.delete(String(args.code));
    this.workspaces.set(w.token, w);
    return {
      ok: true,
      app_id: "A0APP",
      authed_user: { id: w.installerId },
      scope: w.scopes ?? "commands,chat:write,channels:read,users:read",
      token_type: "bot",
      access_token: w.token,
      bot_user_id: w.botUserId,
      team: w.teamId ? { id: w.teamId, name: w.teamName ?? w.teamId } : null,
      enterprise: w.enterpriseId ? { id: w.enterpriseId, name: `Org ${w.enterpriseId}` } : null,
      is_enterprise_install: w.isEnterpriseInstall === true,
      ...(w.refreshToken ? { refresh_token: w.refreshToken, expires_in: w.expiresIn ?? 43_200 } : {}),
    };
  }

  /**
   * Token rotation: a refresh token buys a new bot token (the old one stops working) and a new refresh
   * token. Spending the same refresh token again (two uncoordinated instances) buys yet another pair and
   * invalidates the pair bought before, so whoever got that one holds a dead token.
   */
  private refresh(refreshToken: string): Record<string, unknown> {
    const w = [...this.workspaces.values()].find((x) => x.refreshToken === refreshToken);
    if (!w) return { ok: false, error: "invalid_refresh_token" };
    this.refreshes.push(refreshToken);
    const earlier = this.boughtWith.get(refreshToken);
    if (earlier) this.revoked.add(earlier);
    const next: FakeWorkspace = {
      ...w,
      token: `${w.token}-r${this.refreshes.length}`,
      refreshToken: `${refreshToken}-r${this.refreshes.length}`,
      expiresIn: 43_200,
    };
    this.revoked.add(w.token);
    this.workspaces.set(next.token, next);
    this.boughtWith.set(refreshToken, next.token);
    return {
      ok: true,
      app_id: "A0APP",
      scope: w.scopes ?? "commands,chat:write,channels:read,users:read",
      token_type: "bot",
      access_token: next.token,
      refresh_token: next.refreshToken,
      expires_in: 43_200,
      bot_user_id: w.botUserId,
      team: w.teamId ? { id: w.teamId, name: w.teamName ?? w.teamId } : null,
      enterprise: w.enterpriseId ? { id: w.enterpriseId, name: `Org ${w.enterpriseId}` } : null,
      is_enterprise_install: w.isEnterpriseInstall === true,
    };
  }
}
