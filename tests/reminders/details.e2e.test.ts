import { afterEach, describe, expect, it } from "vitest";
import { ACTION, reminderJob } from "../../src/reminders/index.js";
import type { TestBot } from "../support/bot.js";
import { BERLIN, clock, LEAD, startReminderBot, stateOf } from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

describe("remind: deadlines and mistakes", () => {
  it("defaults the deadline to the provider's next dated event, and refuses past deadlines and unknown providers", async () => {
    // Tuesday 3 Mar 2026: GitHub Copilot's next dated event in the catalog is 25 Mar 2026.
    const time = clock("2026-03-03T09:00:00Z");
    bot = await startReminderBot(time.now);
    const ok = await bot.command(`remind <@${BERLIN}|berlin> github-copilot`, { user_id: LEAD });
    expect(ok.body?.text).toContain("Asked 1 person about GitHub Copilot");
    expect(
      (await bot.deps.store.reminders.getCampaign((await stateOf(bot, BERLIN, "github-copilot")).campaignId))
        ?.deadline,
    ).toBe("2026-03-25");

    const past = await bot.command(`remind <@${BERLIN}|berlin> claude by 2026-01-01`, { user_id: LEAD });
    expect(past.body?.text).toContain("The deadline 2026-01-01 is in the past. Nobody was asked.");
    const unknown = await bot.command(`remind <@${BERLIN}|berlin> claude notarealtool`, { user_id: LEAD });
    expect(unknown.body?.text).toContain("I don't know “notarealtool”");
    expect(await bot.deps.store.reminders.listCampaigns({})).toHaveLength(1);
  });
});

describe("wiring helpers", () => {
  it("Show steps from the App Home opens a modal with the full steps", async () => {
    const time = clock("2026-12-01T09:00:00Z");
    bot = await startReminderBot(time.now);
    await bot.click({ actionId: ACTION.steps, value: "claude", userId: BERLIN, containerType: "view" });
    const [open] = bot.fake.callsTo("views.open");
    const view = JSON.parse(String(open?.args.view)) as { type: string; blocks: unknown[] };
    expect(view.type).toBe("modal");
    expect(JSON.stringify(view.blocks)).toContain("Help improve Claude");
  });

  it("reminderJob runs the tick on REMINDER_CRON with the app's clock", async () => {
    const time = clock("2026-12-01T09:00:00Z");
    bot = await startReminderBot(time.now);
    await bot.command(`remind <@${BERLIN}|berlin> claude`, { user_id: LEAD });
    const job = reminderJob(bot.deps);
    expect(job).toMatchObject({ name: "reminders", cron: bot.deps.config.REMINDER_CRON });
    time.set("2026-12-08T09:00:00Z");
    expect(await job.run()).toMatchObject({ sent: 1, digests: 1 });
    expect(await job.run()).toMatchObject({ sent: 0, digests: 0 });
  });
});
