import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failedNoticeMessage, pausedNoticeMessage } from "../../src/outbox/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import type { Injection } from "../support/fake-slack.js";

/**
 * Issue 8 items 6 and 8: a Slack read that fails while answering a person ends in a quick, plain apology
 * that matches the failure — never half an hour of "Working on it…", never "invite the app" for a rate
 * limit, never the Slack API's URL or a proxy's page.
 */

const LEAD = "U0LEAD";

const textOf = (body: unknown): string => JSON.stringify(body ?? "");

describe("reads while answering a person", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({
      env: { ADMIN_USER_IDS: LEAD },
      // Production: 4 s per attempt, 1 retry. Shortened so the timeout case runs quickly.
      // Without the breaker here, each case sees its own calls; the breaker has its own case below.
      readClient: { timeoutMs: 300, retries: 1, retryDelayMs: 10, breakerMs: 0 },
    });
    bot.fake.channelMembers.set("C0TEAM", ["U0ANA"]);
    bot.fake.addUser({ id: "U0ANA" });
  });
  afterEach(() => bot.fake.clearInjections());
  afterAll(() => bot.stop());

  /** The answer the person ends up with: the ack, or the response_url follow-up after "Working on it…". */
  async function answer(text: string, channel = "C0GENERAL"): Promise<string> {
    const responseUrl = bot.fake.responseUrl();
    const res = await bot.command(text, { user_id: LEAD, channel_id: channel, response_url: responseUrl });
    const later = bot.responsesTo(responseUrl);
    return later.length ? textOf(later.at(-1)) : textOf(res.body);
  }

  it("a failing conversations.members is tried at most twice, then the lead gets an apology with what to do", async () => {
    bot.fake.inject("conversations.members", { kind: "reset" }, { times: 50 });
    const before = bot.fake.callsTo("conversations.members").length;
    const reply = await answer("remind <#C0TEAM|team> claude");
    expect(bot.fake.callsTo("conversations.members").length - before).toBe(2);
    expect(reply).toContain("Slack didn't answer me properly just now. Please try again in a minute.");
    expect(reply).toMatch(/Nobody (was asked|new to ask)/);
    expect(reply).not.toContain("invite me");
  });

  it("a read that hangs times out instead of leaving the person waiting", async () => {
    bot.fake.inject("conversations.members", { kind: "delay", ms: 5000 }, { times: 2 });
    const reply = await answer("remind <#C0TEAM|team> claude");
    expect(reply).toContain("Please try again in a minute");
  });

  it("a failing users.info skips that person with a reason, after at most two tries", async () => {
    bot.fake.inject("users.info", { kind: "http", status: 500 }, { times: 50 });
    const before = bot.fake.callsTo("users.info").length;
    const reply = await answer("remind <@U0ANA> claude");
    expect(bot.fake.callsTo("users.info").length - before).toBe(2);
    expect(reply).toContain("Slack didn't answer");
  });

  const failures: [string, Injection, RegExp][] = [
    ["ok:false ratelimited", { kind: "error", error: "ratelimited" }, /slow down/],
    ["HTTP 429", { kind: "http", status: 429, retryAfter: 30 }, /slow down/],
    ["ok:false internal_error", { kind: "error", error: "internal_error" }, /try again in a minute/],
    ["HTTP 503", { kind: "http", status: 503 }, /try again in a minute/],
    ["a connection reset", { kind: "reset" }, /try again in a minute/],
    [
      "a proxy's HTML page with 200",
      { kind: "body", body: "<html><title>502</title><a href='https://slack.com/api/'>x</a></html>" },
      /try again in a minute/,
    ],
    [
      "truncated JSON",
      { kind: "body", body: '{"ok":true,"chan', contentType: "application/json" },
      /try again/,
    ],
  ];

  it.each(failures)(
    "subscribe when conversations.info fails with %s: advice that fits, no URL, no invite",
    async (_l, injection, advice) => {
      bot.fake.inject("conversations.info", injection, { times: 2 });
      const reply = await answer("subscribe claude", "C0ANNOUNCE");
      expect(reply).toMatch(advice);
      expect(reply).not.toMatch(/invite/i);
      expect(reply).not.toContain(bot.fake.url);
      expect(reply).not.toMatch(/https?:\/\//);
      expect(reply).not.toContain("<html");
    },
  );

  it("a real channel refusal still says how to invite the app", async () => {
    bot.fake.channelErrors.set("C0PRIVATE", "channel_not_found");
    const reply = await answer("subscribe claude", "C0PRIVATE");
    expect(reply).toContain("/invite @ai-privacy");
  });
});

describe("many reads while Slack is down", () => {
  it("stop trying after the first failures instead of each waiting out its own timeout", async () => {
    const bot = await startTestBot({
      env: { ADMIN_USER_IDS: LEAD },
      readClient: { timeoutMs: 200, retries: 1, retryDelayMs: 10 },
    });
    try {
      const people = Array.from({ length: 120 }, (_, i) => `U0P${String(i).padStart(3, "0")}`);
      for (const id of people) bot.fake.addUser({ id });
      bot.fake.inject("users.info", { kind: "delay", ms: 3000 }, { times: 1000 });
      const responseUrl = bot.fake.responseUrl();
      await bot.command(`remind ${people.map((p) => `<@${p}>`).join(" ")} claude`, {
        user_id: LEAD,
        response_url: responseUrl,
      });
      // The first round (50 at once, each tried twice) fails; the other 70 are not even tried.
      expect(bot.fake.callsTo("users.info").length).toBeLessThanOrEqual(100);
      expect(textOf(bot.responsesTo(responseUrl).at(-1) ?? {})).not.toMatch(/https?:\/\//);
    } finally {
      await bot.stop();
    }
  });
});

describe("delivery notices", () => {
  const errors = [
    "network: connect ECONNREFUSED (url: http://127.0.0.1:9/api/chat.postMessage)",
    "Retry header did not contain a valid timeout (url: https://slack.com/api/chat.postMessage)",
    "http_503",
    "ratelimited",
    "internal_error",
  ];
  it.each(errors)("%s: no URL and no 'invite' advice", (error) => {
    for (const message of [
      failedNoticeMessage("C0ANN", error, "announcement"),
      pausedNoticeMessage("C0ANN", error, "claude"),
    ]) {
      const text = textOf(message);
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/invite/i);
    }
  });
});
