import type { ActionsBlock, Button } from "@slack/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../src/app.js";
import { assertMessageFits } from "../../src/blocks/index.js";
import { loadCatalog } from "../../src/catalog/index.js";
import { ConfigError, parseConfig } from "../../src/config.js";
import { buildDeps, makeLogger } from "../../src/wiring.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { FakeSocketMode } from "../support/fake-socket-mode.js";
import { openTestStore } from "../support/store.js";

/** PUBLIC_URL: validation, the "Add to calendar" button of `deadlines`, and the pages in Socket Mode. */

const valid = { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_SIGNING_SECRET: "0123456789abcdef0123" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("PUBLIC_URL", () => {
  it("is optional, and a trailing slash is dropped", async () => {
    expect(parseConfig(valid).PUBLIC_URL).toBeUndefined();
    expect(parseConfig({ ...valid, PUBLIC_URL: "https://bot.example.com/privacy/" }).PUBLIC_URL).toBe(
      "https://bot.example.com/privacy",
    );
  });

  it("refuses anything that is not a plain http(s) address, naming the variable and the fix", async () => {
    for (const bad of [
      "privacy-bot",
      "ftp://bot.example.com",
      "https://bot.example.com/?a=1",
      "https://u:p@bot.example.com",
      "javascript:alert(1)",
    ]) {
      const problems = problemsOf({ ...valid, PUBLIC_URL: bad });
      expect(problems, bad).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^PUBLIC_URL must be .*https:\/\/privacy-bot\.example\.com.* — set it in \.env/,
      );
    }
  });
});

const buttonsOf = (blocks: unknown) =>
  ((blocks ?? []) as ActionsBlock[])
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements as Button[]);

describe("deadlines in Slack", () => {
  let withWeb: TestBot;
  let without: TestBot;
  beforeAll(async () => {
    withWeb = await startTestBot({ env: { PUBLIC_URL: "https://privacy-bot.example.com" } });
    without = await startTestBot();
  });
  afterAll(async () => {
    await withWeb.stop();
    await without.stop();
  });

  it("offers 'Add to calendar' linking to /calendar.ics when PUBLIC_URL is set, within Block Kit limits", async () => {
    const { body } = await withWeb.command("deadlines");
    const button = buttonsOf(body?.blocks).find((b) => b.text.text === "Add to calendar");
    expect(button?.url).toBe("https://privacy-bot.example.com/calendar.ics");
    assertMessageFits({ text: String(body?.text), blocks: body?.blocks as unknown[] }, "message");
  });

  it("has no calendar button without PUBLIC_URL", async () => {
    const { body } = await without.command("deadlines");
    expect(buttonsOf(body?.blocks)).toHaveLength(0);
  });

  it("acknowledges the link button's click so Slack shows no error", async () => {
    const reply = await withWeb.click({ actionId: "open_calendar" });
    expect(reply.status).toBe(200);
  });
});

describe("Socket Mode", () => {
  const fake = new FakeSlack();
  const socket = new FakeSocketMode(fake);
  let bot: Bot;
  let webPort: number | undefined;

  beforeAll(async () => {
    await fake.start();
    await socket.start();
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-socket-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-abcdef",
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: "sqlite::memory:",
      LOG_LEVEL: "error",
      PUBLIC_URL: "https://privacy-bot.example.com",
    });
    const deps = await buildDeps(config, {
      store: await openTestStore(),
      logger: makeLogger("error"),
      catalog: loadCatalog(),
    });
    bot = createBot(deps);
    ({ webPort } = await bot.start({ port: 0, host: "127.0.0.1" }));
    await socket.waitForConnection();
  });

  afterAll(async () => {
    await bot.stop();
    await socket.stop();
    await fake.stop();
  });

  it("serves the same pages on PORT, with the same headers", async () => {
    expect(webPort).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${webPort}/providers/claude`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await res.text()).toContain("<h1>Claude: keep your chats out of training</h1>");
    expect((await fetch(`http://127.0.0.1:${webPort}/calendar.ics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${webPort}/nowhere`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${webPort}/changes/1`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${webPort}/providers/%E0%A4%A`)).status).toBe(400);
  });
});
