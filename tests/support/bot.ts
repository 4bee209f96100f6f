import type { Logger } from "@slack/logger";
import { createBot } from "../../src/app.js";
import { loadCatalog } from "../../src/catalog/index.js";
import type { Clock } from "../../src/clock.js";
import { parseConfig } from "../../src/config.js";
import type { AppDeps } from "../../src/deps.js";
import type { ReadClientOptions } from "../../src/slack/index.js";
import type { Store } from "../../src/store/index.js";
import { buildDeps, makeLogger } from "../../src/wiring.js";
import { FakeSlack, type RateLimits } from "./fake-slack.js";
import {
  type BlockActionFields,
  blockActionBody,
  postSigned,
  type SlashCommandFields,
  slashCommandBody,
} from "./signing.js";
import { openTestStore, openTestStoreAt, spawnDatabaseUrl } from "./store.js";

export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99aaaaaa85a5";

export interface TestBotOptions {
  now?: Clock;
  env?: Record<string, string>;
  /**
   * Reuse a store (e.g. to test restarts); default: a fresh empty one of the kind TEST_STORE selects
   * (in-memory SQLite, or a new PostgreSQL schema).
   */
  store?: Store;
  /** A database that outlives the bot: this SQLite file, or (TEST_STORE=postgres) the schema named for it. */
  databasePath?: string;
  fake?: FakeSlack;
  rateLimits?: RateLimits;
  logger?: Logger;
  /** The bot's read client timeout/retries (default: production's). */
  readClient?: Partial<ReadClientOptions>;
}

export interface SlackReply {
  status: number;
  /** The JSON the app acknowledged with (slash commands answer in the HTTP response). */
  body: Record<string, unknown> | undefined;
}

export interface TestBot {
  fake: FakeSlack;
  deps: AppDeps;
  url: string;
  /** The server's base URL (http://127.0.0.1:<port>), for /healthz. */
  base: string;
  /** Sends `/ai-privacy <text>` signed exactly as Slack does and returns the app's answer. */
  command(text: string, fields?: Partial<SlashCommandFields>): Promise<SlackReply>;
  /** Sends a signed block_actions click; the reply (if any) arrives at the fake's response URL. */
  click(
    fields: Omit<BlockActionFields, "responseUrl"> & { responseUrl?: string },
  ): Promise<SlackReply & { responseUrl: string }>;
  /** Bodies posted to a given response_url. */
  responsesTo(responseUrl: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The real app in HTTP mode on 127.0.0.1, talking to a loopback fake Slack. */
export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const fake = options.fake ?? new FakeSlack(options.rateLimits);
  const ownsFake = !options.fake;
  if (ownsFake) await fake.start();
  // Distributed mode (tests/install): the env names the OAuth credentials instead of one bot token.
  const distributed = Boolean(options.env?.SLACK_CLIENT_ID);
  const databaseUrl = options.databasePath ? spawnDatabaseUrl(options.databasePath) : undefined;
  const config = parseConfig({
    ...(distributed ? {} : { SLACK_BOT_TOKEN: "xoxb-test-token" }),
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: databaseUrl ?? "sqlite::memory:",
    LOG_LEVEL: "error",
    ...options.env,
  });
  const store =
    options.store ??
    (options.databasePath ? await openTestStoreAt(options.databasePath) : await openTestStore());
  const deps = await buildDeps(config, {
    store,
    logger: options.logger ?? makeLogger("error"),
    ...(options.readClient ? { readClient: options.readClient } : {}),
    catalog: loadCatalog({ overlayPath: config.CATALOG_PATH }),
    ...(options.now ? { now: options.now } : {}),
  });
  // Health results are not cached in tests: each poll sees the current state.
  // The bot's IDs are the fake's auth.test answer, passed in as main.ts does after its start-up check.
  const bot = createBot(deps, {
    processBeforeResponse: true,
    healthCacheMs: 0,
    ...(distributed ? {} : { botIds: { botId: "BBOT", botUserId: "UBOT" } }),
  });
  const { port } = await bot.start({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${port}/slack/events`;

  // As Slack reads an immediate response: a message object only when it is marked application/json,
  // anything else is shown as plain text (api.slack.com/interactivity/slash-commands#responding_immediate_response).
  const readReply = async (res: Response): Promise<SlackReply> => {
    const text = await res.text();
    if (!text) return { status: res.status, body: undefined };
    if (!/^application\/json\b/.test(res.headers.get("content-type") ?? "")) {
      return { status: res.status, body: { raw: text } };
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { raw: text };
    }
    return { status: res.status, body };
  };

  return {
    fake,
    deps,
    url,
    base: `http://127.0.0.1:${port}`,
    async command(text, fields = {}) {
      const body = slashCommandBody({ text, response_url: fake.responseUrl(), ...fields });
      return readReply(await postSigned(url, body, { secret: TEST_SIGNING_SECRET }));
    },
    async click(fields) {
      const responseUrl = fields.responseUrl ?? fake.responseUrl();
      const res = await postSigned(url, blockActionBody({ ...fields, responseUrl }), {
        secret: TEST_SIGNING_SECRET,
      });
      return { ...(await readReply(res)), responseUrl };
    },
    responsesTo(responseUrl) {
      const id = responseUrl.split("/response/")[1];
      return fake.responses.filter((r) => r.id === id).map((r) => r.body);
    },
    async stop() {
      await bot.stop();
      if (!options.store) await store.close();
      if (ownsFake) await fake.stop();
    },
  };
}
