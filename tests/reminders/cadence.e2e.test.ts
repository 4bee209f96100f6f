import { afterEach, describe, expect, it } from "vitest";
import { ACTION, runReminderTick } from "../../src/reminders/index.js";
import type { TestBot } from "../support/bot.js";
import {
  BERLIN,
  clickReminder,
  clock,
  LEAD,
  NEW_YORK,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

const remindersTo = async (userId: string) =>
  (await bot.deps.store.outbox.forPerson("T0FAKE", userId)).filter(
    (r) => r.channelId === userId && r.kind === "reminder",
  );

async function askEveryone(time: ReturnType<typeof clock>, by = "") {
  bot = await startReminderBot(time.now);
  bot.fake.channelMembers.set(TEAM_CHANNEL, [TOKYO, NEW_YORK, BERLIN]);
  await bot.command(`remind <#${TEAM_CHANNEL}|team> claude${by ? ` by ${by}` : ""}`, {
    user_id: LEAD,
    channel_id: TEAM_CHANNEL,
  });
}

describe("Remind me later: the next working morning, 09:30 in the person's own zone", () => {
  it("lands at 09:30 local in Tokyo, New York and Berlin, including across the end of DST in Europe", async () => {
    // Friday 23 Oct 2026, 14:00 UTC: 16:00 in Berlin (CEST), 10:00 in New York (EDT), 23:00 in Tokyo.
    const time = clock("2026-10-23T14:00:00Z");
    await askEveryone(time);
    for (const user of [TOKYO, NEW_YORK, BERLIN])
      await clickReminder(bot, ACTION.later, String((await stateOf(bot, user)).id), user);
    // In the order they come due.
    const expected = {
      [TOKYO]: "2026-10-26T00:30:00.000Z", // Monday 09:30 JST
      [BERLIN]: "2026-10-26T08:30:00.000Z", // Monday 09:30 CET, after Sunday's change from CEST
      [NEW_YORK]: "2026-10-26T13:30:00.000Z", // Monday 09:30 EDT (US clocks change a week later)
    };
    for (const [user, at] of Object.entries(expected)) {
      expect(await stateOf(bot, user)).toMatchObject({ state: "snoozed" });
      expect((await stateOf(bot, user)).snoozedUntil?.toISOString()).toBe(at);
      // One minute early: nothing; at 09:30 local: exactly one new reminder, due at once.
      const before = (await remindersTo(user)).length;
      await runReminderTick(bot.deps, new Date(new Date(at).getTime() - 60_000));
      expect(await remindersTo(user)).toHaveLength(before);
      await runReminderTick(bot.deps, new Date(at));
      await runReminderTick(bot.deps, new Date(at));
      const after = await remindersTo(user);
      expect(after).toHaveLength(before + 1);
      expect(after[0]?.nextAttemptAt.toISOString()).toBe(at);
      expect((await stateOf(bot, user)).state).toBe("pending");
    }
  });

  it("lands at 09:30 local in New York across the end of US DST", async () => {
    // Friday 30 Oct 2026, 19:00 UTC = 15:00 EDT; US clocks go back on Sunday 1 Nov.
    const time = clock("2026-10-30T19:00:00Z");
    await askEveryone(time);
    await clickReminder(bot, ACTION.later, String((await stateOf(bot, NEW_YORK)).id), NEW_YORK);
    expect((await stateOf(bot, NEW_YORK)).snoozedUntil?.toISOString()).toBe("2026-11-02T14:30:00.000Z");
  });
});

describe("cadence of unanswered reminders", () => {
  it("repeats weekly, daily in the last 3 days, only in working hours, and sends one reminder after downtime", async () => {
    // Tuesday 1 Dec 2026, 09:00 UTC = 10:00 in Berlin: the first reminder goes now.
    const time = clock("2026-12-01T09:00:00Z");
    await askEveryone(time, "2026-12-18");
    expect(await remindersTo(BERLIN)).toHaveLength(1);
    expect((await stateOf(bot, BERLIN)).nextAt?.toISOString()).toBe("2026-12-08T08:30:00.000Z");

    // Tokyo is first due at 09:30 JST on Wednesday 2 Dec; a tick at 03:00 JST on Thursday (catching up
    // after downtime, at night there) moves it to that person's next working morning instead of waking them.
    expect((await stateOf(bot, TOKYO)).nextAt?.toISOString()).toBe("2026-12-02T00:30:00.000Z");
    await runReminderTick(bot.deps, new Date("2026-12-02T18:00:00Z"));
    expect(await stateOf(bot, TOKYO)).toMatchObject({ sends: 0 });
    expect((await stateOf(bot, TOKYO)).nextAt?.toISOString()).toBe("2026-12-03T00:30:00.000Z");
    expect(await remindersTo(TOKYO)).toHaveLength(0);

    // The bot was down for a week and a half: one reminder on Friday 11 Dec at 10:00, not a backlog.
    await runReminderTick(bot.deps, new Date("2026-12-11T09:00:00Z"));
    expect(await remindersTo(BERLIN)).toHaveLength(2);
    // Next: the first day of the 3-day window (Wed 16 Dec), then daily until the deadline (Fri 18 Dec).
    expect((await stateOf(bot, BERLIN)).nextAt?.toISOString()).toBe("2026-12-16T08:30:00.000Z");
    for (const day of ["16", "17", "18"])
      await runReminderTick(bot.deps, new Date(`2026-12-${day}T08:30:00Z`));
    expect(await remindersTo(BERLIN)).toHaveLength(5);
    expect((await stateOf(bot, BERLIN)).nextAt).toBeNull();
  });

  it("closes a campaign after its deadline day, with one closing summary to the lead; purges it after RETENTION_DAYS", async () => {
    const time = clock("2026-12-01T09:00:00Z");
    await askEveryone(time, "2026-12-18");
    const campaignId = (await stateOf(bot, BERLIN)).campaignId;
    await runReminderTick(bot.deps, new Date("2026-12-18T23:00:00Z"));
    expect((await bot.deps.store.reminders.getCampaign(campaignId))?.status).toBe("open");
    const report = await runReminderTick(bot.deps, new Date("2026-12-19T00:00:00Z"));
    await runReminderTick(bot.deps, new Date("2026-12-19T00:05:00Z"));
    expect(report.closed).toBe(1);
    const closing = (await bot.deps.store.outbox.list({ limit: 1000 })).filter(
      (r) => r.kind === "reminder-closing",
    );
    expect(closing.map((r) => r.channelId)).toEqual([LEAD]);
    // Weekly digests went to the lead while it was open (8 Dec and 15 Dec).
    expect(
      (await bot.deps.store.outbox.list({ limit: 1000 })).filter((r) => r.kind === "reminder-digest").length,
    ).toBeGreaterThanOrEqual(1);
    expect((await runReminderTick(bot.deps, new Date("2027-06-16T00:00:00Z"))).purged).toBe(0);
    expect((await runReminderTick(bot.deps, new Date("2027-06-18T00:00:00Z"))).purged).toBe(1);
    expect(await bot.deps.store.reminders.getCampaign(campaignId)).toBeUndefined();
    expect(await bot.deps.store.reminders.statesForUser("T0FAKE", BERLIN)).toEqual([]);
  });
});
