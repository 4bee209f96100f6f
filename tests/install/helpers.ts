import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@slack/logger";
import { startTestBot, TEST_SIGNING_SECRET, type TestBot } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { slackSignature } from "../support/signing.js";

/** Distributed-mode test bots: OAuth credentials instead of a bot token, installs through the real flow. */

export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
export const STATE_SECRET = "a-state-secret-that-is-long-enough-0123456789";

export function distributedEnv(fake: FakeSlack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_CLIENT_ID: fake.oauthClient.id,
    SLACK_CLIENT_SECRET: fake.oauthClient.secret,
    SLACK_STATE_SECRET: STATE_SECRET,
    INSTALLATION_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ...extra,
  };
}

export function overlayFile(deadline: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "aipb-install-")), "overlay.yaml");
  writeFileSync(
    file,
    [
      "providers:",
      "  - id: acme-ai",
      "    name: Acme AI",
      "    tiers: { covered: [Acme Free] }",
      "    deadlines:",
      `      - { id: acme-opt-out, date: ${deadline}, title: Last day to opt out of Acme training, detail: After this date chats are used. }`,
    ].join("\n"),
  );
  return file;
}

export async function startDistributedBot(
  options: { now?: () => Date; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestBot> {
  const fake = new FakeSlack();
  await fake.start();
  const bot = await startTestBot({
    fake,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    env: distributedEnv(fake, options.env),
  });
  const stop = bot.stop;
  return {
    ...bot,
    async stop() {
      await stop();
      await fake.stop();
    },
  };
}

/** GET /slack/install as a browser: the state cookie and the authorize URL's state. */
export async function startInstall(base: string): Promise<{ cookie: string; state: string; html: string }> {
  const res = await fetch(`${base}/slack/install`);
  const html = await res.text();
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const href = /href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "";
  const state = new URL(href).searchParams.get("state") ?? "";
  return { cookie, state, html };
}

export async function redirect(
  base: string,
  query: Record<string, string>,
  cookie?: string,
): Promise<{ status: number; html: string }> {
  const res = await fetch(`${base}/slack/oauth_redirect?${new URLSearchParams(query)}`, {
    headers: cookie ? { cookie } : {},
  });
  return { status: res.status, html: await res.text() };
}

/** The whole browser flow for one code: install page → Slack (skipped: the fake has the grant) → redirect. */
export async function install(base: string, code: string): Promise<{ status: number; html: string }> {
  const { cookie, state } = await startInstall(base);
  return redirect(base, { code, state }, cookie);
}

/** An Events API envelope, signed as Slack signs it (JSON body). */
export async function postEvent(url: string, envelope: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify({
    token: "legacy",
    api_app_id: "A0APP",
    type: "event_callback",
    event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    ...envelope,
  });
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": slackSignature(TEST_SIGNING_SECRET, ts, body),
    },
    body,
  });
  await res.text();
  return res.status;
}
