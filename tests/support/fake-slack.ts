import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeFileUploads } from "./fake-slack-files.js";
import { FakeOAuth, type FakeWorkspace } from "./fake-slack-oauth.js";
import { postSigned } from "./signing.js";

export type { UploadedFile } from "./fake-slack-files.js";
export type { FakeWorkspace } from "./fake-slack-oauth.js";

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
  private readonly uploads = new FakeFileUploads();
  /** Files shared through the external-upload flow, in completion order. */
  readonly files = this.uploads.files;
  private readonly oauth = new FakeOAuth();
  /** OAuth: the app credentials oauth.v2.access accepts. */
  readonly oauthClient = this.oauth.client;
  /** OAuth codes not yet exchanged → the workspace they install (each code works once). */
  readonly grants = this.oauth.grants;
  /** Bot tokens the fake answers for, with their workspace (auth.test per token). */
  readonly workspaces = this.oauth.workspaces;
  /** Tokens Slack no longer accepts (after an uninstall). */
  readonly revoked = this.oauth.revoked;
  /** Refresh tokens spent, in order. */
  readonly refreshes = this.oauth.refreshes;
  rateLimited429s = 0;
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
    if (method === "oauth.v2.access") return json(res, 200, this.oauth.exchange(args, authorization));
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
        return this.uploads.uploadUrl(args, this.url);
      case "files.completeUploadExternal":
        return this.uploads.complete(parseJsonArg(args.files), args);
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  /** A POST to an upload URL: recorded like a Web API call, then handed to the uploads. */
  private receiveUpload(id: string, bytes: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls.push({
      method: "upload_url",
      args: { file_id: id, bytes: bytes.length },
      token: undefined,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    return this.uploads.receive(id, bytes, req, res);
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
