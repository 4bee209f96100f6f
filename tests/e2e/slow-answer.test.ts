import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";

/** Slack gives 3 s to acknowledge; a command whose work takes longer acks first and answers via response_url. */
describe("a slow command", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ env: { ADMIN_USER_IDS: "U0LEAD" } });
    bot.fake.addUser({ id: "U0ANA", tz: "Europe/Berlin" });
    bot.fake.channelMembers.set("C0TEAM", ["U0ANA"]);
  });
  afterAll(async () => {
    await bot.stop();
  });

  it("acknowledges within Slack's 3 seconds and then delivers the real answer", async () => {
    bot.fake.inject("conversations.members", { kind: "delay", ms: 2600 });
    const responseUrl = bot.fake.responseUrl();
    const started = Date.now();
    const res = await bot.command("remind <#C0TEAM|team> claude", {
      user_id: "U0LEAD",
      response_url: responseUrl,
    });
    // processBeforeResponse makes the test's HTTP answer wait for the whole listener; what Slack would
    // have seen is the ack, which the listener sends at the 2 s budget.
    expect(res.status).toBe(200);
    expect(res.body?.text).toBe("Working on it…");
    expect(Date.now() - started).toBeLessThan(10_000);
    const [final] = bot.responsesTo(responseUrl);
    expect(final?.replace_original).toBe(true);
    expect(JSON.stringify(final?.blocks)).toMatch(/Asked 1 person/);
  });
});
