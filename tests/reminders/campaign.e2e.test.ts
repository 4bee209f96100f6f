import { afterEach, describe, expect, it } from "vitest";
import { ACTION, exportCampaignCsv } from "../../src/reminders/index.js";
import type { TestBot } from "../support/bot.js";
import {
  BERLIN,
  blockText,
  buttonsIn,
  clickReminder,
  clock,
  currentState,
  deliver,
  LEAD,
  NEW_YORK,
  REMIND_ALL,
  START,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

describe("a reminder campaign to a channel and a user group", () => {
  it("asks every real person once, says who was skipped, and DMs only those inside working hours", async () => {
    const time = clock(START);
    bot = await startReminderBot(time.now);
    const reply = await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
    expect(reply.body?.response_type).toBe("ephemeral");
    expect(reply.body?.text).toContain(
      "Asked 3 people about Claude and ChatGPT; 2 will get it at 09:30 their time, when their working day starts; 1 skipped (bot); 1 skipped (deactivated)",
    );

    const campaigns = await bot.deps.store.reminders.listCampaigns({ teamId: "T0FAKE" });
    expect(campaigns.map((c) => [c.providerId, c.deadline, c.leadId]).sort()).toEqual([
      ["chatgpt", "2026-12-31", LEAD],
      ["claude", "2026-12-31", LEAD],
    ]);
    const dms = await bot.deps.store.outbox.list({ status: "pending" });
    expect(dms.map((r) => r.channelId).sort()).toEqual([BERLIN, BERLIN]);
    // The others wait for their own working morning: Tuesday 09:30 in New York, Wednesday 09:30 in Tokyo.
    expect((await stateOf(bot, NEW_YORK)).nextAt?.toISOString()).toBe("2026-12-01T14:30:00.000Z");
    expect((await stateOf(bot, TOKYO)).nextAt?.toISOString()).toBe("2026-12-02T00:30:00.000Z");

    // Asking again adds nobody: the same people are already asked about the same providers.
    const again = await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
    expect(again.body?.text).toContain("Nobody new to ask");
    expect(again.body?.text).toContain("3 already asked about Claude in an open campaign");
    expect(await bot.deps.store.reminders.listCampaigns({})).toHaveLength(2);
  });

  it("delivers a DM with the four buttons; each click settles the message in place, idempotently, with Undo", async () => {
    const time = clock(START);
    bot = await startReminderBot(time.now);
    await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
    await deliver(bot);
    const [dm] = bot.fake.messagesIn(BERLIN).filter((m) => m.text.includes("Claude"));
    expect(dm?.text).toBe("Please switch off training on your Claude chats");
    expect(blockText(dm?.blocks)).toContain("Help improve Claude");
    const buttons = buttonsIn(dm?.blocks);
    // Claude's plans come first (plans.e2e.test.ts), then the answers.
    expect([...buttons.keys()].filter((k) => !k.startsWith(`${ACTION.plan}.`))).toEqual([
      ACTION.openSettings,
      ACTION.steps,
      ACTION.done,
      ACTION.later,
      ACTION.notUsing,
      ACTION.anotherAccount,
    ]);
    const value = buttons.get(ACTION.done)!;
    const id = Number(value);

    // Show steps: the full steps, only to the clicker, the reminder left as it is.
    const [steps] = await clickReminder(bot, ACTION.steps, buttons.get(ACTION.steps)!, BERLIN);
    expect(steps).toMatchObject({ replace_original: false, response_type: "ephemeral" });
    expect(blockText(steps?.blocks)).toContain("On Android");

    // I've opted out, twice (double click / Slack retry): one answer, the same settled message.
    const [first] = await clickReminder(bot, ACTION.done, value, BERLIN);
    const [second] = await clickReminder(bot, ACTION.done, value, BERLIN);
    expect(first).toMatchObject({ replace_original: true });
    expect(blockText(first?.blocks)).toContain("You've opted out of Claude training");
    expect(blockText(first?.blocks)).toContain(`Recorded for <@${BERLIN}>`);
    expect(second?.blocks).toEqual(first?.blocks);
    const campaign = (await bot.deps.store.reminders.getState(id))!.campaignId;
    expect(await bot.deps.store.reminders.counts(campaign)).toMatchObject({ done: 1, pending: 2 });

    // A stale "Not using it" on the old message changes nothing.
    await clickReminder(bot, ACTION.notUsing, value, BERLIN);
    expect(await currentState(bot, id)).toBe("done");

    // Undo brings the question back; a second Undo of the same answer is stale and changes nothing.
    const undoValue = buttonsIn(first?.blocks).get(ACTION.undo)!;
    expect(undoValue).toBe(`${id}:done`);
    const [undone] = await clickReminder(bot, ACTION.undo, undoValue, BERLIN);
    expect(await currentState(bot, id)).toBe("pending");
    expect([...buttonsIn(undone?.blocks).keys()]).toContain(ACTION.done);
    await clickReminder(bot, ACTION.undo, undoValue, BERLIN);
    expect(await currentState(bot, id)).toBe("pending");

    // Not using it, then Remind me later is stale until Undo.
    const [notUsing] = await clickReminder(bot, ACTION.notUsing, value, BERLIN);
    expect(blockText(notUsing?.blocks)).toContain("you don't use Claude");
    await clickReminder(bot, ACTION.later, value, BERLIN);
    expect(await currentState(bot, id)).toBe("not_using");
    expect(await bot.deps.store.reminders.counts(campaign)).toMatchObject({
      done: 0,
      not_using: 1,
      pending: 2,
    });

    // Someone else's click (a forwarded or guessed value) changes nothing and is answered privately.
    const [foreign] = await clickReminder(bot, ACTION.undo, `${id}:not_using`, NEW_YORK);
    expect(foreign).toMatchObject({ replace_original: false, response_type: "ephemeral" });
    expect(await currentState(bot, id)).toBe("not_using");

    // A reminder deleted meanwhile (unknown id) says so instead of crashing.
    const [gone] = await clickReminder(bot, ACTION.done, "999999", BERLIN);
    expect(blockText(gone?.blocks)).toContain("no longer exists");

    // Remind me later: snoozed to the next working morning in Berlin (Wednesday 09:30 CET).
    const chatgpt = String(
      (await bot.deps.store.reminders.statesForUser("T0FAKE", BERLIN)).find(
        (s) => s.providerId === "chatgpt",
      )!.id,
    );
    const [later] = await clickReminder(bot, ACTION.later, chatgpt, BERLIN);
    expect(blockText(later?.blocks)).toContain("I'll remind you");
    expect((await bot.deps.store.reminders.getState(Number(chatgpt)))?.snoozedUntil?.toISOString()).toBe(
      "2026-12-02T08:30:00.000Z",
    );
  });

  it("an action on a closed campaign says it is closed, and the CSV export lists everyone", async () => {
    const time = clock(START);
    bot = await startReminderBot(time.now);
    await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
    const state = await stateOf(bot, BERLIN);
    await bot.deps.store.reminders.closeCampaign(state.campaignId, time.now());
    const [closed] = await clickReminder(bot, ACTION.done, String(state.id), BERLIN);
    expect(blockText(closed?.blocks)).toContain("campaign closed");
    expect(await currentState(bot, state.id)).toBe("pending");

    const csv = (await exportCampaignCsv(bot.deps.store, state.campaignId))!;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "campaign_id,provider_id,deadline,user_id,state,answered_at,how,history,reminders_sent,last_reminder_at,nudged_at,snoozed_until,account,plan",
    );
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[3])
        .sort(),
    ).toEqual([BERLIN, NEW_YORK, TOKYO].sort());
    expect(await exportCampaignCsv(bot.deps.store, 424242)).toBeUndefined();
  });
});
