import { describe, expect, it } from "vitest";
import { createBot } from "../../src/app.js";
import { loadCatalog } from "../../src/catalog/index.js";
import { parseConfig } from "../../src/config.js";
import { buildDeps, makeLogger } from "../../src/wiring.js";
import { FakeSlack } from "../support/fake-slack.js";
import { FakeSocketMode } from "../support/fake-socket-mode.js";
import { openTestStore } from "../support/store.js";
import { distributedEnv, install } from "./helpers.js";

/** Socket Mode + OAuth: the install pages are on the bot's own server (PORT), and an install completes. */
describe("distributed mode in Socket Mode", () => {
  it("serves /slack/install and /slack/oauth_redirect on PORT; /healthz checks Slack without a token", async () => {
    const fake = new FakeSlack();
    const socket = new FakeSocketMode(fake);
    await fake.start();
    await socket.start();
    const config = parseConfig({
      ...distributedEnv(fake),
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-abcdef",
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: "sqlite::memory:",
      LOG_LEVEL: "error",
    });
    const store = await openTestStore();
    const deps = await buildDeps(config, { store, logger: makeLogger("error"), catalog: loadCatalog() });
    const bot = createBot(deps, { healthCacheMs: 0 });
    try {
      const { port } = await bot.start({ port: 0, host: "127.0.0.1" });
      await socket.waitForConnection();
      const base = `http://127.0.0.1:${port}`;
      fake.addGrant("code-s", {
        token: "xoxb-socket",
        teamId: "TS",
        botUserId: "UBOTS",
        botId: "BBOTS",
        installerId: "UADMIN",
      });
      const done = await install(base, "code-s");
      expect(done.status, done.html).toBe(200);
      expect(await store.installations.get("TS")).toBeDefined();
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(fake.callsTo("api.test").length).toBeGreaterThan(0);
    } finally {
      await bot.stop();
      await store.close();
      await socket.stop();
      await fake.stop();
    }
  });
});
