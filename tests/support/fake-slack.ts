import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { postSigned } from "./signing.js";

/**
 * A loopback double of Slack's Web API (and of response_url endpoints) that speaks the real wire format:
 * form-encoded or JSON bodies, `Authorization: Bearer`, JSON answers with `ok`, HTTP 429 + `Retry-After`.
 * It records every call, lets a test inject failures, and can enforce per-channel and workspace rate limits.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** The raw Authorization header (distributed-mode tests check which workspace's token each call used). */
  authorization: string | undefined;
  at: number;
}

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

export interface FakeUser {
  id: string;
  name?: string;
  real_name?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

/** What to do with the next matching call instead of answering normally. */
export type Injection =
  | { kind: "error"; error: string }
  | { kind: "http"; status: number; retryAfter?: number }
  | { kind: "reset" }
  | { kind: "delay"; ms: number }
  /** The call takes effect (the message is posted), then the connection drops before the answer is sent. */
  | { kind: "lost" }
  /**
   * A raw answer that is not Slack's JSON: a proxy's HTML page with 200, truncated JSON, `null`. With
   * `processed`, the call takes effect first (the message is posted) and only the answer is replaced.
   */
  | { kind: "body"; body: string; status?: number; contentType?: string; processed?: boolean };

interface InjectionRule {
  method: string;
  channel?: string;
  token?: string;
  times: number;
  injection: Injection;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A file shared with files.completeUploadExternal (the last step of web-api's files.uploadV2). */
export interface UploadedFile {
  id: string;
  filename: string;
  title: string | undefined;
  /** Where it was shared (channel_id), undefined for a private file. */
  channel: string | undefined;
  initialComment: string | undefined;
  /** The length files.getUploadURLExternal was told, and the bytes POSTed to the upload URL. */
  declaredLength: number;
  content: Buffer;
}

/** One Events API delivery (docs.slack.dev/apis/events-api/#callback-field): the envelope around `event`. */
export interface EventDelivery {
  /** The bot's request URL (`/slack/events`). */
  url: string;
  /** The app's signing secret. */
  secret: string;
  event: Record<string, unknown>;
  teamId?: string;
  /** The same id on a retry: Slack keeps `event_id` and adds `X-Slack-Retry-Num`. */
  eventId?: string;
  /** Unix seconds, as Slack sends `event_time`. */
  eventTime?: number;
  /** A retry of an earlier delivery (1, 2, 3), with `X-Slack-Retry-Reason: http_timeout`. */
  retryNum?: number;
}

export interface RateLimits {
  /** Messages per second per channel before 429 (Slack: about 1/s with short bursts). */
  perChannelPerSecond?: number;
  /** Burst allowance per channel. */
  perChannelBurst?: number;
  /** Workspace-wide chat.postMessage per second. */
  workspacePerSecond?: number;
  workspaceBurst?: number;
}

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Takes a token, or returns the whole seconds to wait. */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  /** Bodies POSTed to response_url endpoints (`respond()` in Bolt). */
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channelMembers = new Map<string, string[]>();
  readonly usergroupMembers = new Map<string, string[]>();
  /** Channels the bot cannot post in, with the error to answer. */
  readonly channelErrors = new Map<string, string>();
  readonly homeViews = new Map<string, unknown>();
  /** Files shared through the external-upload flow, in completion order. */
  readonly files: UploadedFile[] = [];
  /** Upload URLs handed out and not completed yet: file ID → name, declared length, bytes received. */
  private readonly uploads = new Map<string, { filename: string; length: number; content?: Buffer }>();
  rateLimited429s = 0;
  /** OAuth: the app credentials oauth.v2.access accepts. */
  readonly oauthClient = { id: "1111.2222", secret: "0123456789abcdef0123456789abcdef" };
  /** OAuth codes not yet exchanged → the workspace they install (each code works once). */
  readonly grants = new Map<string, FakeWorkspace>();
  /** Bot tokens the fake answers for, with their workspace (auth.test per token). */
  readonly workspaces = new Map<string, FakeWorkspace>();
  /** Tokens Slack no longer accepts (after an uninstall). */
  readonly revoked = new Set<string>();
  /** The WebSocket URL apps.connections.open hands out (set by FakeSocketMode). */
  socketModeUrl: string | undefined;
  private rules: InjectionRule[] = [];
  private server: Server | undefined;
  private tsCounter = 0;
  private eventCounter = 0;
  private channelBuckets = new Map<string, TokenBucket>();
  private workspaceBucket: TokenBucket | undefined;
  url = "";

  constructor(private readonly limits: RateLimits = {}) {
    if (limits.workspacePerSecond) {
      this.workspaceBucket = new TokenBucket(
        limits.workspacePerSecond,
        limits.workspaceBurst ?? limits.workspacePerSecond,
      );
    }
  }

  /** Base URL for the Web API (what SLACK_API_URL is set to). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url for a simulated slash command or click. */
  responseUrl(): string {
    return `${this.url}/response/${randomUUID()}`;
  }

  /** A code that oauth.v2.access exchanges for this workspace's install. */
  addGrant(code: string, workspace: FakeWorkspace): void {
    this.grants.set(code, workspace);
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** With `token`, only calls made with that bot token match (one workspace of several). */
  inject(
    method: string,
    injection: Injection,
    options: { times?: number; channel?: string; token?: string } = {},
  ): void {
    this.rules.push({
      method,
      injection,
      times: options.times ?? 1,
      ...(options.channel ? { channel: options.channel } : {}),
      ...(options.token ? { token: options.token } : {}),
    });
  }

  /** Drops pending injections (for one method, or all). */
  clearInjections(method?: string): void {
    this.rules = method ? this.rules.filter((r) => r.method !== method) : [];
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Delivers an Events API callback to the bot, signed as Slack signs it (JSON body, `X-Slack-Signature`),
   * the way Slack pushes events to an app's request URL. Returns the HTTP status the bot answered.
   */
  async deliverEvent(delivery: EventDelivery): Promise<number> {
    this.eventCounter += 1;
    const teamId = delivery.teamId ?? "T0FAKE";
    const body = JSON.stringify({
      token: "legacy-verification-token",
      team_id: teamId,
      api_app_id: "A0APP",
      type: "event_callback",
      event_id: delivery.eventId ?? `Ev${String(this.eventCounter).padStart(8, "0")}`,
      event_time: delivery.eventTime ?? Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: teamId, user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
      event: delivery.event,
    });
    const retry: Record<string, string> = delivery.retryNum
      ? { "x-slack-retry-num": String(delivery.retryNum), "x-slack-retry-reason": "http_timeout" }
      : {};
    const res = await postSigned(delivery.url, body, {
      secret: delivery.secret,
      headers: { "content-type": "application/json", ...retry },
    });
    await res.text();
    return res.status;
  }

  messagesIn(channel: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: `fake_slack_bug: ${(err as Error).message}` }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path.startsWith("/upload/"))
      return this.receiveUpload(path.slice("/upload/".length), bytes, req, res);
    const raw = bytes.toString("utf8");
    const args = parseBody(raw, req.headers["content-type"] ?? "");
    if (path.startsWith("/response/")) {
      this.responses.push({ id: path.slice("/response/".length), body: args });
      return json(res, 200, { ok: true });
    }
    const method = path.replace(/^\/api\//, "");
    const token =
      (req.headers.authorization ?? "").replace(/^Bearer /, "") || (args.token as string | undefined);
    const authorization = req.headers.authorization;
    this.calls.push({ method, args, token, authorization, at: Date.now() });

    const channel = typeof args.channel === "string" ? args.channel : undefined;
    const rule = this.rules.find(
      (r) =>
        r.method === method &&
        r.times > 0 &&
        (!r.channel || r.channel === channel) &&
        (!r.token || r.token === token),
    );
    if (rule) {
      rule.times -= 1;
      const inj = rule.injection;
      if (inj.kind === "reset") {
        req.socket.destroy();
        return;
      }
      if (inj.kind === "lost") {
        this.answer(method, args, res);
        if (!res.headersSent) req.socket.destroy(); // else the call was rate-limited instead
        return;
      }
      if (inj.kind === "body") {
        if (inj.processed) this.answer(method, args, res);
        if (res.headersSent) return; // the call was rate-limited instead
        res.writeHead(inj.status ?? 200, { "content-type": inj.contentType ?? "text/html; charset=utf-8" });
        res.end(inj.body);
        return;
      }
      if (inj.kind === "delay") await new Promise((r) => setTimeout(r, inj.ms));
      else if (inj.kind === "http") {
        if (inj.status === 429) this.rateLimited429s += 1;
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (inj.retryAfter !== undefined) headers["retry-after"] = String(inj.retryAfter);
        res.writeHead(inj.status, headers);
        res.end(JSON.stringify({ ok: false, error: inj.status === 429 ? "ratelimited" : "internal_error" }));
        return;
      } else return json(res, 200, { ok: false, error: inj.error });
    }
    if (method === "apps.connections.open") {
      // Socket Mode: the app-level token opens a WebSocket URL (served by FakeSocketMode).
      if (!token?.startsWith("xapp-") || !this.socketModeUrl)
        return json(res, 200, { ok: false, error: "invalid_auth" });
      return json(res, 200, { ok: true, url: this.socketModeUrl });
    }
    if (method === "oauth.v2.access") return json(res, 200, this.exchange(args, authorization));
    if (method === "api.test") return json(res, 200, { ok: true });
    if (!token?.startsWith("xoxb-")) return json(res, 200, { ok: false, error: "not_authed" });
    if (this.revoked.has(token)) return json(res, 200, { ok: false, error: "token_revoked" });
    const workspace = this.workspaces.get(token);
    if (workspace && method === "auth.teams.list")
      return json(res, 200, {
        ok: true,
        teams: (workspace.orgTeams ?? []).map((id) => ({ id, name: `Workspace ${id}` })),
        response_metadata: { next_cursor: "" },
      });
    if (workspace && method === "auth.test")
      return json(res, 200, {
        ok: true,
        url: "https://fake.slack.test/",
        team: workspace.teamName ?? "Fake",
        user: "ai-privacy",
        team_id: workspace.teamId ?? workspace.enterpriseId,
        user_id: workspace.botUserId,
        bot_id: workspace.botId,
        ...(workspace.enterpriseId ? { enterprise_id: workspace.enterpriseId } : {}),
        is_enterprise_install: workspace.isEnterpriseInstall === true,
      });
    return json(res, 200, this.answer(method, args, res));
  }

  private answer(
    method: string,
    args: Record<string, unknown>,
    res: ServerResponse,
  ): Record<string, unknown> | undefined {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://fake.slack.test/",
          team: "Fake",
          user: "ai-privacy",
          team_id: "T0FAKE",
          user_id: "UBOT",
          bot_id: "BBOT",
        };
      case "chat.postMessage":
        return this.postMessage(args, res);
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "chat.update": {
        const msg = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!msg) return { ok: false, error: "message_not_found" };
        msg.text = String(args.text ?? "");
        msg.blocks = parseJsonArg(args.blocks) as unknown[] | undefined;
        return { ok: true, channel: msg.channel, ts: msg.ts };
      }
      case "conversations.history": {
        const limit = Number(args.limit ?? 100);
        const inChannel = this.messagesIn(String(args.channel)).slice().reverse().slice(0, limit);
        return {
          ok: true,
          messages: inChannel.map((m) => ({ type: "message", ts: m.ts, text: m.text, metadata: m.metadata })),
          has_more: false,
        };
      }
      case "conversations.members": {
        // Cursor paging as Slack does it (docs.slack.dev/apis/web-api/pagination): `limit` per page, an
        // opaque `next_cursor` until the last page, which answers an empty one.
        const members = this.channelMembers.get(String(args.channel)) ?? [];
        const limit = Math.max(1, Number(args.limit ?? 100) || 100);
        const from = args.cursor ? Number(Buffer.from(String(args.cursor), "base64").toString()) : 0;
        const next =
          from + limit < members.length ? Buffer.from(String(from + limit)).toString("base64") : "";
        return {
          ok: true,
          members: members.slice(from, from + limit),
          response_metadata: { next_cursor: next },
        };
      }
      case "conversations.info":
        return this.channelErrors.has(String(args.channel))
          ? { ok: false, error: this.channelErrors.get(String(args.channel)) }
          : { ok: true, channel: { id: args.channel, is_member: true } };
      case "users.list":
        return {
          ok: true,
          members: [...this.users.values()].map((u) => ({ tz: "UTC", name: u.id.toLowerCase(), ...u })),
          response_metadata: { next_cursor: "" },
        };
      case "usergroups.users.list": {
        const users = this.usergroupMembers.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: "no_such_subteam" };
      }
      case "users.info": {
        const user = this.users.get(String(args.user));
        return user
          ? { ok: true, user: { tz: "UTC", name: user.id.toLowerCase(), ...user } }
          : { ok: false, error: "user_not_found" };
      }
      case "views.publish":
        this.homeViews.set(String(args.user_id), parseJsonArg(args.view));
        return { ok: true, view: { id: `V${this.nextTs().replace(".", "")}` } };
      case "views.open":
        return { ok: true, view: { id: "VMODAL" } };
      case "conversations.open": {
        // docs.slack.dev/reference/methods/conversations.open: the app's DM with one user.
        const user = String(args.users ?? "");
        return this.users.has(user)
          ? { ok: true, channel: { id: `D${user}` } }
          : { ok: false, error: "user_not_found" };
      }
      case "files.getUploadURLExternal":
        return this.uploadUrl(args);
      case "files.completeUploadExternal":
        return this.completeUploads(args);
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  /**
   * files.getUploadURLExternal (docs.slack.dev/reference/methods/files.getUploadURLExternal): `filename` and
   * `length` (bytes) are required; the answer is a one-off upload URL and the new file's ID.
   */
  private uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    const filename = typeof args.filename === "string" ? args.filename : "";
    const length = Number(args.length);
    if (!filename || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: "invalid_arguments" };
    const id = `F${String(this.uploads.size + this.files.length + 1).padStart(8, "0")}`;
    this.uploads.set(id, { filename, length });
    return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
  }

  /** The bytes POSTed to an upload URL: raw, or a multipart form's file part (what web-api sends). */
  private async receiveUpload(
    id: string,
    bytes: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    this.calls.push({
      method: "upload_url",
      args: { file_id: id, bytes: bytes.length },
      token: undefined,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    const upload = this.uploads.get(id);
    if (!upload || req.method !== "POST") {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    const type = req.headers["content-type"] ?? "";
    let content = bytes;
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(new Uint8Array(bytes), {
        headers: { "content-type": type },
      }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== "string");
      content = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    upload.content = content;
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`OK - ${content.length}`);
  }

  /**
   * files.completeUploadExternal (docs.slack.dev/reference/methods/files.completeUploadExternal): `files` is a
   * JSON array of `{ id, title }`; each must have been uploaded, with exactly the length announced.
   */
  private completeUploads(args: Record<string, unknown>): Record<string, unknown> {
    const parsed = parseJsonArg(args.files);
    if (!Array.isArray(parsed) || parsed.length === 0) return { ok: false, error: "invalid_arguments" };
    const done: UploadedFile[] = [];
    for (const item of parsed as { id?: unknown; title?: unknown }[]) {
      const id = String(item.id ?? "");
      const upload = this.uploads.get(id);
      if (!upload?.content || upload.content.length !== upload.length)
        return { ok: false, error: "file_not_found" };
      done.push({
        id,
        filename: upload.filename,
        title: typeof item.title === "string" ? item.title : undefined,
        channel: typeof args.channel_id === "string" ? args.channel_id : undefined,
        initialComment: typeof args.initial_comment === "string" ? args.initial_comment : undefined,
        declaredLength: upload.length,
        content: upload.content,
      });
    }
    for (const file of done) {
      this.uploads.delete(file.id);
      this.files.push(file);
    }
    return {
      ok: true,
      files: done.map((f) => ({ id: f.id, title: f.title ?? f.filename, name: f.filename })),
    };
  }

  /** oauth.v2.access (docs.slack.dev/reference/methods/oauth.v2.access): client credentials + a one-time code. */
  private exchange(
    args: Record<string, unknown>,
    authorization: string | undefined,
  ): Record<string, unknown> {
    const basic = authorization?.startsWith("Basic ")
      ? Buffer.from(authorization.slice(6), "base64").toString("utf8").split(":")
      : [];
    const id = args.client_id ?? basic[0];
    const secret = args.client_secret ?? basic[1];
    if (id !== this.oauthClient.id) return { ok: false, error: "invalid_client_id" };
    if (secret !== this.oauthClient.secret) return { ok: false, error: "bad_client_secret" };
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
  readonly refreshes: string[] = [];
  private readonly boughtWith = new Map<string, string>();
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

  private postMessage(
    args: Record<string, unknown>,
    res: ServerResponse,
  ): Record<string, unknown> | undefined {
    const channel = String(args.channel ?? "");
    const error = this.channelErrors.get(channel);
    if (error) return { ok: false, error };
    const wait = this.rateLimitWait(channel);
    if (wait > 0) {
      this.rateLimited429s += 1;
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(wait) });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return undefined;
    }
    const message: PostedMessage = {
      channel,
      ts: this.nextTs(),
      text: String(args.text ?? ""),
      blocks: parseJsonArg(args.blocks) as unknown[] | undefined,
      ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
      ...(args.metadata ? { metadata: parseJsonArg(args.metadata) as PostedMessage["metadata"] } : {}),
    } as PostedMessage;
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } };
  }

  private rateLimitWait(channel: string): number {
    const { perChannelPerSecond } = this.limits;
    if (perChannelPerSecond) {
      let bucket = this.channelBuckets.get(channel);
      if (!bucket) {
        bucket = new TokenBucket(perChannelPerSecond, this.limits.perChannelBurst ?? 1);
        this.channelBuckets.set(channel, bucket);
      }
      const wait = bucket.take();
      if (wait > 0) return wait;
    }
    return this.workspaceBucket ? this.workspaceBucket.take() : 0;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, "0")}`;
  }
}

function json(res: ServerResponse, status: number, body: Record<string, unknown> | undefined): void {
  if (body === undefined) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function parseJsonArg(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}
