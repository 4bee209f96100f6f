import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, TEST_SIGNING_SECRET, type TestBot } from "../support/bot.js";
import { postSigned, slackSignature } from "../support/signing.js";
import { spawnBot } from "../support/spawn-bot.js";

/** Issue 8 items 4–5: bodies Bolt cannot digest, and signatures stamped far from now. */

const now = () => Math.floor(Date.now() / 1000);

async function postJson(url: string, body: string, timestamp = now()): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(TEST_SIGNING_SECRET, timestamp, body),
    },
    body,
  });
}

describe("signed bodies that are not what Slack sends", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(() => bot.stop());

  it.each(["payload=null", "payload=%5B%5D", "payload=1", "payload=%22x%22", "payload=%7Bbroken"])(
    "form %s is refused with 400 and the bot keeps serving",
    async (body) => {
      const res = await postSigned(bot.url, body, { secret: TEST_SIGNING_SECRET });
      expect(res.status).toBe(400);
      expect((await bot.command("claude")).status).toBe(200);
    },
  );

  it.each(["null", "[]", "42", '"text"'])("JSON body %s is refused with 400", async (body) => {
    const res = await postJson(bot.url, body);
    expect(res.status).toBe(400);
    expect((await bot.command("claude")).status).toBe(200);
  });

  it.each([
    { type: "event_callback", event: null },
    { type: "event_callback" },
    { type: "block_actions", user: null, actions: [] },
    { type: "block_actions", user: { id: "U1" }, actions: null },
    { type: "view_submission", user: 7 },
  ])("an envelope missing what Bolt reads (%j) is refused with 400", async (payload) => {
    const res = await postJson(bot.url, JSON.stringify(payload));
    expect(res.status).toBe(400);
    const form = await postSigned(
      bot.url,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      {
        secret: TEST_SIGNING_SECRET,
      },
    );
    expect(form.status).toBe(400);
    expect((await bot.command("claude")).status).toBe(200);
  });

  it("an object of an unknown type is Bolt's to ignore, not a crash", async () => {
    const res = await postJson(bot.url, JSON.stringify({ type: "something_new", token: "x" }));
    expect(res.status).toBeLessThan(500);
  });

  it("Slack's unsigned ssl_check still gets its 200", async () => {
    const res = await fetch(bot.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "ssl_check=1&token=x",
    });
    expect(res.status).toBe(200);
  });
});

describe("request timestamps (docs.slack.dev: within five minutes of now)", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(() => bot.stop());

  const body = () =>
    new URLSearchParams({
      command: "/ai-privacy",
      text: "claude",
      user_id: "U0ALICE",
      channel_id: "C0GENERAL",
      team_id: "T0FAKE",
      response_url: bot.fake.responseUrl(),
      trigger_id: "1.2.3",
    }).toString();

  it.each([
    ["6 minutes in the future", 6 * 60, 401],
    ["an hour in the future", 3600, 401],
    ["6 minutes in the past", -6 * 60, 401],
    ["4 minutes in the future", 4 * 60, 200],
    ["4 minutes in the past", -4 * 60, 200],
  ])("signed %s → %i", async (_label, offset, status) => {
    const res = await postSigned(bot.url, body(), { secret: TEST_SIGNING_SECRET, timestamp: now() + offset });
    expect(res.status).toBe(status);
  });

  it("a malformed timestamp header is refused", async () => {
    const res = await postSigned(bot.url, body(), {
      secret: TEST_SIGNING_SECRET,
      headers: { "x-slack-request-timestamp": "soon" },
    });
    expect(res.status).toBe(401);
  });
});

describe("the process survives what nothing awaited", () => {
  it("the running bot answers after a signed payload=null (a separate process, as deployed)", async () => {
    const { FakeSlack } = await import("../support/fake-slack.js");
    const fake = new FakeSlack();
    await fake.start();
    const bot = spawnBot({
      SLACK_BOT_TOKEN: "xoxb-process-test",
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    try {
      const port = Number((await bot.waitFor(/running on http:\/\/0\.0\.0\.0:(\d+)/))[1]);
      const url = `http://127.0.0.1:${port}/slack/events`;
      await postSigned(url, "payload=null", { secret: TEST_SIGNING_SECRET });
      await postJson(url, "null");
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(bot.child.exitCode).toBeNull();
    } finally {
      bot.kill();
      await fake.stop();
    }
  });

  it("installProcessGuards logs unhandled rejections and exceptions and keeps serving", async () => {
    const script = `
      import { installProcessGuards } from ${JSON.stringify(join(process.cwd(), "dist/process-guards.js"))};
      const logged = [];
      installProcessGuards({ error: (m) => logged.push(m), warn() {}, info() {}, debug() {} });
      Promise.reject(new Error("nobody awaited me"));
      setTimeout(() => { throw new Error("thrown from a timer"); }, 5);
      setTimeout(() => { console.log(JSON.stringify(logged)); }, 50);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
    const logged = JSON.parse(stdout) as string[];
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/unhandled promise rejection \(still serving\): Error: nobody awaited me/);
    expect(logged[1]).toMatch(/uncaught exception \(still serving\): Error: thrown from a timer/);
  });
});
