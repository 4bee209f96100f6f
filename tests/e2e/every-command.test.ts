import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";

/** Every verb of /ai-privacy, as a lead and as anyone else: always a Block Kit answer within Slack's limits. */
describe("every /ai-privacy command", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({
      env: { ADMIN_USER_IDS: "U0LEAD" },
      now: () => new Date("2026-11-29T10:00:00Z"),
    });
    bot.fake.addUser({ id: "U0LEAD", tz: "Europe/Paris" });
    bot.fake.addUser({ id: "U0ANA", tz: "Asia/Tokyo" });
    bot.fake.addUser({ id: "U0BEN", tz: "America/New_York" });
    bot.fake.channelMembers.set("C0GENERAL", ["U0LEAD", "U0ANA", "U0BEN"]);
    bot.fake.usergroupMembers.set("S0ENG", ["U0ANA"]);
  });
  afterAll(async () => {
    await bot.stop();
  });

  const commands = [
    "",
    "help",
    "help remind",
    "list",
    "deadlines",
    "search human review",
    "claude",
    "steps copilot",
    "subscribe",
    "subscribe claude chatgpt deadlines",
    "subscribe nosuchprovider",
    "subscriptions",
    "unsubscribe chatgpt",
    "unsubscribe all",
    "remind <@U0ANA|ana> <#C0GENERAL|general> <!subteam^S0ENG|@eng> claude chatgpt by 2026-12-31",
    "remind <@U0BEN|ben> copilot",
    "remind claude",
    "status",
    "status claude",
    "my-data",
    "forget-me",
    "<!channel> <!here> <!everyone>",
  ];

  for (const user of ["U0LEAD", "U0ANA"]) {
    it(`answers every verb for ${user === "U0LEAD" ? "a lead" : "someone who is not a lead"}`, async () => {
      for (const text of commands) {
        const res = await bot.command(text, { user_id: user, channel_id: "C0GENERAL" });
        expect(res.status, text).toBe(200);
        const reply = res.body as { response_type?: string; text?: string; blocks?: unknown[] };
        expect(reply.blocks?.length, text).toBeGreaterThan(0);
        expect(checkMessage(reply as { text: string; blocks: unknown[] }), text).toEqual([]);
        expect(reply.response_type, text).toBe("ephemeral");
        expect(JSON.stringify(reply), text).not.toMatch(/<!(channel|here|everyone)/);
      }
    });
  }

  it("refuses lead-only verbs politely and says who can", async () => {
    for (const text of ["subscribe", "unsubscribe all", "remind <@U0BEN|ben> claude"]) {
      const reply = JSON.stringify((await bot.command(text, { user_id: "U0BEN" })).body);
      expect(reply, text).toMatch(/Only team leads can/);
      expect(reply, text).toMatch(/admins and owners/);
    }
  });
});
