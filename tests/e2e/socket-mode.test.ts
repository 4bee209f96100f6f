import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../src/app.js";
import { loadCatalog } from "../../src/catalog/index.js";
import { parseConfig } from "../../src/config.js";
import { buildDeps, makeLogger } from "../../src/wiring.js";
import { FakeSlack } from "../support/fake-slack.js";
import { FakeSocketMode } from "../support/fake-socket-mode.js";
import { openTestStore } from "../support/store.js";

/** With SLACK_APP_TOKEN set the bot needs no public URL: it connects out over Slack's Socket Mode protocol. */
describe("Socket Mode", () => {
  const fake = new FakeSlack();
  const socket = new FakeSocketMode(fake);
  let bot: Bot;

  beforeAll(async () => {
    await fake.start();
    await socket.start();
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-socket-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-abcdef",
      PORT: "0",
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: "sqlite::memory:",
      LOG_LEVEL: "error",
    });
    const deps = await buildDeps(config, {
      store: await openTestStore(),
      logger: makeLogger("error"),
      catalog: loadCatalog(),
    });
    bot = createBot(deps);
    await bot.start();
    await socket.waitForConnection();
  });

  afterAll(async () => {
    await bot.stop();
    await socket.stop();
    await fake.stop();
  });

  it("opens the connection with the app-level token, not the bot token", async () => {
    const open = fake.callsTo("apps.connections.open");
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]?.token).toMatch(/^xapp-/);
  });

  it("answers a slash command in the envelope acknowledgement", async () => {
    const ack = await socket.send("slash_commands", {
      token: "legacy",
      team_id: "T0FAKE",
      team_domain: "fake",
      channel_id: "C0GENERAL",
      channel_name: "general",
      user_id: "U0ALICE",
      user_name: "alice",
      command: "/ai-privacy",
      text: "claude",
      api_app_id: "A0APP",
      response_url: fake.responseUrl(),
      trigger_id: "1.2.3",
    });
    const payload = ack.payload as { response_type?: string; blocks?: unknown[] } | undefined;
    expect(payload?.response_type).toBe("ephemeral");
    expect(JSON.stringify(payload?.blocks)).toContain("Help improve Claude");
  });
});
