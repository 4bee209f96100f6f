import { createHmac } from "node:crypto";

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw body>"). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Override the signature (to test forgeries). */
  signature?: string;
  headers?: Record<string, string>;
}

/** POSTs a form-encoded body exactly as Slack does (content type without charset, signed). */
export async function postSigned(url: string, body: string, options: SignedPostOptions): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? slackSignature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
}

export interface SlashCommandFields {
  text: string;
  user_id?: string;
  channel_id?: string;
  team_id?: string;
  response_url: string;
  command?: string;
}

export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: fields.team_id ?? "T0FAKE",
    team_domain: "fake",
    channel_id: fields.channel_id ?? "C0GENERAL",
    channel_name: "general",
    user_id: fields.user_id ?? "U0ALICE",
    user_name: "alice",
    command: fields.command ?? "/ai-privacy",
    text: fields.text,
    api_app_id: "A0APP",
    is_enterprise_install: "false",
    response_url: fields.response_url,
    trigger_id: "1337.42.abcdef",
  }).toString();
}

export interface BlockActionFields {
  actionId: string;
  value?: string;
  blockId?: string;
  userId?: string;
  teamId?: string;
  channelId?: string;
  messageTs?: string;
  responseUrl: string;
  containerType?: "message" | "view";
}

/** A `block_actions` payload as Slack sends it: form field `payload=<JSON>`. */
export function blockActionBody(f: BlockActionFields): string {
  const teamId = f.teamId ?? "T0FAKE";
  const channelId = f.channelId ?? "C0GENERAL";
  const ts = f.messageTs ?? "1700000000.000100";
  const payload = {
    type: "block_actions",
    user: { id: f.userId ?? "U0ALICE", username: "alice", name: "alice", team_id: teamId },
    api_app_id: "A0APP",
    token: "legacy-verification-token",
    container:
      f.containerType === "view"
        ? { type: "view", view_id: "V0HOME" }
        : { type: "message", message_ts: ts, channel_id: channelId, is_ephemeral: false },
    trigger_id: "1337.42.abcdef",
    team: { id: teamId, domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: "general" },
    message: { type: "message", ts, text: "", blocks: [] },
    response_url: f.responseUrl,
    actions: [
      {
        type: "button",
        action_id: f.actionId,
        block_id: f.blockId ?? "b",
        value: f.value ?? "",
        text: { type: "plain_text", text: "x", emoji: true },
        action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
