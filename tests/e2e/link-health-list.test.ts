import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";

const blocksText = (body: Record<string, unknown> | undefined) => JSON.stringify(body?.blocks ?? []);

describe("`list` and settings-link health", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({
      now: () => new Date("2026-11-29T10:00:00Z"),
      env: { ADMIN_USER_IDS: "U0LEAD" },
    });
    await bot.deps.store.documents.markLinkBroken({
      providerId: "claude",
      url: "https://support.claude.com/gone",
      reason: "HTTP 404",
      since: new Date("2026-11-28T06:00:00Z"),
    });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it("shows 'link may be broken' to a lead only", async () => {
    const lead = blocksText((await bot.command("list", { user_id: "U0LEAD" })).body);
    expect(lead).toMatch(/Claude[^"]*link may be broken/);
    expect(lead.match(/link may be broken/g)).toHaveLength(1);
    const other = await bot.command("list", { user_id: "U0ALICE" });
    expect(other.status).toBe(200);
    expect(blocksText(other.body)).toContain("Claude");
    expect(blocksText(other.body)).not.toContain("link may be broken");
  });

  it("still lists the providers, without the flags, when Slack cannot say who is a lead", async () => {
    bot.fake.inject("users.info", { kind: "http", status: 500 }, { times: 10 });
    const answer = await bot.command("list", { user_id: "U0CAROL" });
    expect(answer.status).toBe(200);
    expect(blocksText(answer.body)).toContain("Claude");
    expect(blocksText(answer.body)).not.toContain("link may be broken");
  });

  it("drops the marker once the link works again", async () => {
    await bot.deps.store.documents.clearBrokenLink("claude", "https://support.claude.com/gone");
    expect(blocksText((await bot.command("list", { user_id: "U0LEAD" })).body)).not.toContain(
      "link may be broken",
    );
  });
});
