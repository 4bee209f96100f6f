import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/index.js";
import { startTestBot, TEST_SIGNING_SECRET, type TestBot } from "../support/bot.js";
import { postSigned, slackSignature, slashCommandBody } from "../support/signing.js";

const blocksText = (body: Record<string, unknown> | undefined) => JSON.stringify(body?.blocks ?? []);
const BROADCAST = /<!(channel|here|everyone)/;

describe("/ai-privacy over signed HTTP", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ now: () => new Date("2026-11-29T10:00:00Z") });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it("answers `claude` with sourced steps, ephemerally", async () => {
    const res = await bot.command("claude");
    expect(res.status).toBe(200);
    expect(res.body?.response_type).toBe("ephemeral");
    const text = blocksText(res.body);
    expect(text).toContain("Help improve Claude");
    expect(text).toContain("Help improve our AI models");
    expect(text).toContain("https://claude.ai/settings/data-privacy-controls");
    expect(text).toContain("share_steps");
    expect(checkMessage(res.body as { blocks: unknown[] })).toEqual([]);
  });

  it("answers every catalog command and every provider within Slack's limits", async () => {
    const ids = bot.deps.catalog.providers.map((p) => p.id);
    const texts = [
      "",
      "help",
      "list",
      "deadlines",
      "search 5 years",
      "search voice",
      "search feedback",
      "search qwzx",
      "copilot",
      "claud",
      "chat gpt",
      "no-such-ai",
      "steps",
      ...ids,
      ...ids.map((id) => `steps ${id}`),
    ];
    for (const text of texts) {
      const res = await bot.command(text);
      expect(res.status, text).toBe(200);
      expect(res.body?.response_type, text).toBe("ephemeral");
      expect(checkMessage(res.body as { text: string; blocks: unknown[] }), text).toEqual([]);
    }
  });

  it("lists every provider with training default, opt-out and confidence", async () => {
    const text = blocksText((await bot.command("list")).body);
    for (const p of bot.deps.catalog.providers) expect(text).toContain(p.name.replace(/&/g, "&amp;"));
    expect(text).toMatch(/trains by default/);
  });

  it("explains one verb with `help <verb>`", async () => {
    const text = blocksText((await bot.command("help subscribe")).body);
    expect(text).toContain("/ai-privacy subscribe [provider");
    expect(text).not.toContain("/ai-privacy remind");
  });

  it("asks which one for an ambiguous name, suggests for an unknown one", async () => {
    const ambiguous = blocksText((await bot.command("copilot")).body);
    expect(ambiguous).toContain("show_steps:github-copilot");
    expect(ambiguous).toContain("show_steps:microsoft-copilot");
    expect(blocksText((await bot.command("cluade")).body)).toContain("Help improve Claude");
    expect(blocksText((await bot.command("xyzzy-nothing")).body)).toContain("I don't know a service called");
  });

  it("shows deadlines with absolute and relative dates", async () => {
    const text = blocksText((await bot.command("deadlines")).body);
    // The most recent provider event in the December 2026 catalog: GitHub's organization default.
    expect(text).toContain("22 Oct 2026");
    expect(text).toMatch(/(weeks|months) ago/);
  });

  it("answers hostile text helpfully, quickly, and never echoes a ping", async () => {
    const hostile = [
      "<!channel> claude",
      "<!here>",
      "<!everyone|everyone> help",
      "<@U0BOSS|boss> <#C0SECRET|secret>",
      "x".repeat(10_240),
      "\u0000\u0001\u0002\u001b[31mclaude\u007f",
      "🔥🤖 chatgpt 🙈",
      "search <script>alert(1)</script> & <https://evil.example|click>",
      "steps \u202eedualc",
    ];
    for (const text of hostile) {
      const started = Date.now();
      const res = await bot.command(text);
      expect(Date.now() - started, text.slice(0, 20)).toBeLessThan(3000);
      expect(res.status).toBe(200);
      const json = JSON.stringify(res.body);
      expect(json).not.toMatch(BROADCAST);
      expect(json).not.toContain("<@U0BOSS");
      expect(json).not.toContain("<https://evil");
      expect(checkMessage(res.body as { text: string; blocks: unknown[] })).toEqual([]);
    }
  });

  it("marks a provider 'needs review' in list and answers once its help article changed", async () => {
    await bot.deps.store.documents.flagForReview({
      providerId: "claude",
      documentId: "anthropic-help-model-improvement",
      versionId: null,
      since: new Date("2026-11-20T06:00:00Z"),
    });
    expect(blocksText((await bot.command("list")).body)).toMatch(/Claude[^"]*needs review/);
    const answer = blocksText((await bot.command("claude")).body);
    expect(answer).toContain("Needs review");
    expect(answer).toContain("20 Nov 2026");
    await bot.deps.store.documents.clearReview("claude");
    expect(blocksText((await bot.command("claude")).body)).not.toContain("Needs review");
  });

  it("rejects a forged or stale signature with 401", async () => {
    const body = slashCommandBody({ text: "claude", response_url: bot.fake.responseUrl() });
    const forged = await postSigned(bot.url, body, {
      secret: TEST_SIGNING_SECRET,
      signature: slackSignature("wrong", 1, body),
    });
    expect(forged.status).toBe(401);
    const stale = await postSigned(bot.url, body, {
      secret: TEST_SIGNING_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    });
    expect(stale.status).toBe(401);
  });

  it("shares the steps visibly in the channel when asked", async () => {
    const click = await bot.click({ actionId: "share_steps", value: "claude", userId: "U0ALICE" });
    expect(click.status).toBe(200);
    const [posted] = bot.responsesTo(click.responseUrl);
    expect(posted?.response_type).toBe("in_channel");
    expect(JSON.stringify(posted?.blocks)).toContain("Help improve Claude");
    expect(JSON.stringify(posted?.blocks)).not.toContain("share_steps");
    expect(checkMessage(posted as { blocks: unknown[] })).toEqual([]);
  });

  it("answers a 'did you mean' button privately with the steps", async () => {
    const click = await bot.click({ actionId: "show_steps:github-copilot", value: "github-copilot" });
    const [posted] = bot.responsesTo(click.responseUrl);
    expect(posted?.response_type).toBe("ephemeral");
    expect(JSON.stringify(posted?.blocks)).toContain("GitHub Copilot");
  });

  it("answers an unreadable reminder button privately instead of staying silent", async () => {
    const click = await bot.click({ actionId: "rem_from_an_old_release", value: "garbage" });
    expect(click.status).toBe(200);
    const [posted] = bot.responsesTo(click.responseUrl);
    expect(posted?.response_type).toBe("ephemeral");
    expect(String(posted?.text)).toMatch(/couldn't read that button/);
  });

  it("serves /healthz with version and uptime", async () => {
    const res = await fetch(bot.url.replace("/slack/events", "/healthz"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.uptimeSeconds).toBe("number");
  });
});
