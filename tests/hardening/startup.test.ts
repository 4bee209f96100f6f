import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkSlack } from "../../src/slack/index.js";
import { TEST_SIGNING_SECRET } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { spawnBot } from "../support/spawn-bot.js";

/** Issue 8 items 1–2: what an operator sees when Slack refuses the tokens or cannot be reached. */

const STACK = /\n\s+at /;

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("start-up against Slack", () => {
  const fake = new FakeSlack();
  beforeAll(() => fake.start());
  afterEach(() => fake.clearInjections());
  afterAll(() => fake.stop());

  const httpEnv = () => ({
    SLACK_BOT_TOKEN: "xoxb-startup-test",
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
  });

  it.each(["invalid_auth", "not_authed", "account_inactive", "token_revoked"])(
    "a bot token refused with %s: exit 2, one line naming SLACK_BOT_TOKEN and the fix",
    async (error) => {
      fake.inject("auth.test", { kind: "error", error }, { times: 10 });
      const bot = spawnBot(httpEnv());
      expect(await bot.exited).toBe(2);
      const lines = bot.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`SLACK_BOT_TOKEN was refused by Slack (${error})`);
      expect(lines[0]).toContain("OAuth & Permissions");
      expect(bot.output()).not.toMatch(STACK);
      expect(bot.output()).not.toContain("running");
    },
  );

  it("Socket Mode: an app token refused by apps.connections.open names SLACK_APP_TOKEN, not the bot token", async () => {
    // No FakeSocketMode is attached, so the fake answers apps.connections.open with invalid_auth.
    const bot = spawnBot({
      SLACK_BOT_TOKEN: "xoxb-startup-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-refused",
      SLACK_API_URL: fake.apiUrl,
    });
    expect(await bot.exited).toBe(2);
    // The Socket Mode library logs its own failure first; ours is the one line that says what to do.
    const lines = bot
      .stderr()
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("ai-privacy-bot"));
    expect(lines, bot.stderr()).toHaveLength(1);
    expect(lines[0]).toContain("SLACK_APP_TOKEN was refused by Slack (invalid_auth)");
    expect(lines[0]).toContain("connections:write");
    expect(lines[0]).not.toContain("SLACK_BOT_TOKEN");
    expect(bot.output()).not.toMatch(STACK);
  });

  it("Slack unreachable: a few attempts, then exit 1 with 'cannot reach Slack at <url>: <reason>'", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const bot = spawnBot({ ...httpEnv(), SLACK_API_URL: url });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain(`cannot reach Slack at ${url}: connection failed (ECONNREFUSED)`);
    expect(bot.output()).not.toContain("running");
    expect(bot.output()).not.toMatch(STACK);
  });

  it("Socket Mode, Slack unreachable: exit 1 with 'cannot reach Slack at <url>', not silent retries", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const bot = spawnBot({
      SLACK_BOT_TOKEN: "xoxb-startup-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-x",
      SLACK_API_URL: url,
    });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain(`cannot reach Slack at ${url}: connection failed (ECONNREFUSED)`);
    expect(bot.output()).not.toContain("running");
    expect(bot.output()).not.toMatch(STACK);
  });

  it("Socket Mode, apps.connections.open answered by a proxy's 502: exit 1 naming Slack's URL within a bounded wait", {
    timeout: 60_000,
  }, async () => {
    fake.inject("apps.connections.open", { kind: "http", status: 502 }, { times: 10_000 });
    const bot = spawnBot({
      SLACK_BOT_TOKEN: "xoxb-startup-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-x",
      SLACK_API_URL: fake.apiUrl,
    });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain(
      `cannot reach Slack at ${fake.apiUrl}: no Socket Mode connection within 15 s`,
    );
    expect(bot.output()).not.toContain("running");
    expect(bot.output()).not.toMatch(STACK);
  });

  it("Socket Mode: SIGTERM while the first connection is retried: logged, exit 0, no stack trace", async () => {
    fake.inject("apps.connections.open", { kind: "http", status: 502 }, { times: 10_000 });
    const before = fake.callsTo("apps.connections.open").length;
    const bot = spawnBot({
      SLACK_BOT_TOKEN: "xoxb-startup-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-x",
      SLACK_API_URL: fake.apiUrl,
    });
    const deadline = Date.now() + 10_000;
    while (fake.callsTo("apps.connections.open").length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain("SIGTERM received during start-up");
    expect(bot.output()).not.toMatch(STACK);
  });

  it("a proxy's HTML page instead of Slack: exit 1, said plainly", async () => {
    fake.inject("auth.test", { kind: "body", body: "<html><body>Bad gateway</body></html>" }, { times: 3 });
    const bot = spawnBot(httpEnv());
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain(`cannot reach Slack at ${fake.apiUrl}: the answer was not Slack's JSON`);
    expect(bot.stderr()).not.toContain("<html");
  });

  it("SIGTERM while the start-up check waits for Slack: logged, exit 0, no stack trace", async () => {
    fake.inject("auth.test", { kind: "delay", ms: 8000 });
    const before = fake.callsTo("auth.test").length;
    const bot = spawnBot(httpEnv());
    const deadline = Date.now() + 10_000;
    while (fake.callsTo("auth.test").length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain("SIGTERM received during start-up");
    expect(bot.output()).not.toMatch(STACK);
  });
});

describe("checkSlack", () => {
  const fake = new FakeSlack();
  beforeAll(() => fake.start());
  afterEach(() => fake.clearInjections());
  afterAll(() => fake.stop());

  it("retries what may pass (5xx, resets, truncated JSON) a bounded number of times, then says why", async () => {
    fake.inject("auth.test", { kind: "body", body: '{"ok":true,"user_id":"UB' }, { times: 1 });
    fake.inject("auth.test", { kind: "reset" }, { times: 1 });
    fake.inject("auth.test", { kind: "http", status: 503 }, { times: 1 });
    const before = fake.callsTo("auth.test").length;
    const check = await checkSlack({ token: "xoxb-x", slackApiUrl: fake.apiUrl, retryDelaysMs: [0, 0] });
    expect(fake.callsTo("auth.test").length - before).toBe(3);
    expect(check).toMatchObject({ ok: false, kind: "unreachable", reason: "HTTP 503" });
  });

  it("returns the bot's IDs once Slack answers", async () => {
    fake.inject("auth.test", { kind: "reset" }, { times: 1 });
    const check = await checkSlack({ token: "xoxb-x", slackApiUrl: fake.apiUrl, retryDelaysMs: [0, 0] });
    expect(check).toEqual({ ok: true, botId: "BBOT", botUserId: "UBOT", teamId: "T0FAKE" });
  });

  it("a refusal is final: no retries", async () => {
    fake.inject("auth.test", { kind: "error", error: "token_revoked" }, { times: 3 });
    const before = fake.callsTo("auth.test").length;
    const check = await checkSlack({ token: "xoxb-x", slackApiUrl: fake.apiUrl, retryDelaysMs: [0, 0] });
    expect(fake.callsTo("auth.test").length - before).toBe(1);
    expect(check).toMatchObject({ ok: false, kind: "refused", code: "token_revoked" });
  });

  it("each attempt has a timeout", async () => {
    fake.inject("auth.test", { kind: "delay", ms: 5000 }, { times: 2 });
    const check = await checkSlack({
      token: "xoxb-x",
      slackApiUrl: fake.apiUrl,
      timeoutMs: 100,
      retryDelaysMs: [0],
    });
    expect(check).toMatchObject({ ok: false, kind: "unreachable", reason: "no answer (timed out)" });
  });
});
