import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/index.js";
import { slackSignature, slashCommandBody, postSigned } from "../support/signing.js";
import { startTestBot, TEST_SIGNING_SECRET, type TestBot } from "../support/bot.js";

const blocksText = (body: Record<string, unknown> | undefined) => JSON.stringify(body?.blocks ?? []);

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

  it("rejects a forged signature with 401", async () => {
    const body = slashCommandBody({ text: "claude", response_url: bot.fake.responseUrl() });
    const res = await postSigned(bot.url, body, { secret: TEST_SIGNING_SECRET, signature: slackSignature("wrong", 1, body) });
    expect(res.status).toBe(401);
  });
});
