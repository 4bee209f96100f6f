import { afterEach, describe, expect, it } from "vitest";
import {
  BERLIN,
  blockText,
  clock,
  LEAD,
  NEW_YORK,
  REMIND_ALL,
  START,
  startReminderBot,
  TEAM_CHANNEL,
  TOKYO,
} from "../reminders/helpers.js";
import type { TestBot } from "../support/bot.js";

const OTHER_ADMIN = "U0ADMIN2";

let bot: TestBot;
afterEach(async () => bot?.stop());

describe("status: names only for the campaign's own lead (issue 8, item 15)", () => {
  it("another admin sees totals; with `names` they see names and the override is audited", async () => {
    bot = await startReminderBot(clock(START).now);
    bot.fake.addUser({ id: OTHER_ADMIN, tz: "Europe/London", is_admin: true });
    await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });

    const own = await bot.command("status claude", { user_id: LEAD });
    expect(blockText(own.body?.blocks)).toContain(`<@${BERLIN}>`);

    const other = await bot.command("status claude", { user_id: OTHER_ADMIN });
    expect(other.body?.response_type).toBe("ephemeral");
    const totals = blockText(other.body?.blocks);
    expect(totals).toContain("no answer: *3*");
    expect(totals).not.toContain("<@");
    expect((await bot.deps.store.audit.list("T0FAKE", 50)).map((a) => a.action)).not.toContain(
      "status-names",
    );

    const overridden = await bot.command("status claude names", { user_id: OTHER_ADMIN });
    expect(overridden.body?.response_type).toBe("ephemeral");
    expect(blockText(overridden.body?.blocks)).toContain(`<@${TOKYO}>`);
    expect(blockText(overridden.body?.blocks)).toContain("recorded in the audit log");
    const audit = (await bot.deps.store.audit.list("T0FAKE", 50)).find((a) => a.action === "status-names");
    expect(audit).toMatchObject({ actorId: OTHER_ADMIN });

    const refused = await bot.command("status names", { user_id: NEW_YORK });
    expect(refused.body?.text).toContain("Only team leads");
  });
});

describe("one provider resolver for every verb (issue 8, item 16)", () => {
  it("`remind … chat gpt` and `status chat gpt` read the two-word name like `subscribe chat gpt`", async () => {
    bot = await startReminderBot(clock(START).now);
    const reply = await bot.command(`remind <@${BERLIN}|berlin> chat gpt microsoft copilot`, {
      user_id: LEAD,
    });
    expect(reply.body?.text).not.toContain("could be");
    expect((await bot.deps.store.reminders.listCampaigns({})).map((c) => c.providerId).sort()).toEqual([
      "chatgpt",
      "microsoft-copilot",
    ]);
    const status = await bot.command("status chat gpt", { user_id: LEAD });
    expect(blockText(status.body?.blocks)).toContain("ChatGPT");
    expect(blockText(status.body?.blocks)).not.toContain("Copilot");
  });

  it("`today` and `in N days` are counted in DEFAULT_TIMEZONE for every verb", async () => {
    // 23:30 UTC on 7 Oct 2025 is already 8 Oct in Tokyo: Claude's 8 Oct deadline is "today" there.
    bot = await startReminderBot(clock("2025-10-07T23:30:00Z").now, { DEFAULT_TIMEZONE: "Asia/Tokyo" });
    const steps = await bot.command("steps claude", { user_id: LEAD });
    expect(blockText(steps.body?.blocks)).toContain("8 Oct 2025* (today)");
    const deadlines = await bot.command("deadlines", { user_id: LEAD });
    expect(blockText(deadlines.body?.blocks)).toContain("8 Oct 2025* (today)");
    const past = await bot.command(`remind <@${BERLIN}|berlin> claude by 2025-10-07`, { user_id: LEAD });
    expect(past.body?.text).toContain("The deadline 2025-10-07 is in the past");
  });
});
