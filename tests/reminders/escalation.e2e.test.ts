import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { backgroundJobs } from "../../src/jobs.js";
import { ACTION, ESCALATION_ACTION, runEscalations, runReminderTick } from "../../src/reminders/index.js";
import { localDateOf } from "../../src/time/index.js";
import type { TestBot } from "../support/bot.js";
import {
  BERLIN,
  blockText,
  buttonsIn,
  clickReminder,
  clock,
  deliver,
  LEAD,
  NEW_YORK,
  START,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

/** Lisbon is on UTC in December; Paris answers at once. */
const LISBON = "U0LISBON";
const PARIS = "U0PARIS";
const ZONES: Record<string, string> = {
  [TOKYO]: "Asia/Tokyo",
  [NEW_YORK]: "America/New_York",
  [BERLIN]: "Europe/Berlin",
  [LISBON]: "Europe/Lisbon",
};

let bot: TestBot;
afterEach(async () => bot?.stop());

async function start(time: ReturnType<typeof clock>, databasePath?: string) {
  bot = await startReminderBot(time.now, { ESCALATE_DAYS: "3" }, databasePath ? { databasePath } : {});
  bot.fake.addUser({ id: LISBON, tz: "Europe/Lisbon" });
  bot.fake.addUser({ id: PARIS, tz: "Europe/Paris" });
  bot.fake.addUser({ id: "U0ADMIN", tz: "UTC", is_admin: true });
  bot.fake.channelMembers.set(TEAM_CHANNEL, [TOKYO, NEW_YORK, BERLIN, LISBON, PARIS]);
}

/** Five people asked on Tue 1 Dec about Claude, deadline Fri 18 Dec; Paris opts out at once. */
async function campaignWithStragglers(time: ReturnType<typeof clock>, databasePath?: string) {
  await start(time, databasePath);
  await bot.command(`remind <#${TEAM_CHANNEL}|team> claude by 2026-12-18`, {
    user_id: LEAD,
    channel_id: TEAM_CHANNEL,
  });
  await clickReminder(bot, ACTION.done, String((await stateOf(bot, PARIS)).id), PARIS);
  return (await stateOf(bot, PARIS)).campaignId;
}

const escalations = async () =>
  (await bot.deps.store.outbox.list({ limit: 1000 })).filter((r) => r.kind === "reminder-escalation");

async function press(actionId: string, campaignId: number, userId: string) {
  const { responseUrl } = await bot.click({
    actionId,
    value: String(campaignId),
    userId,
    channelId: `D${userId}`,
  });
  return blockText(bot.responsesTo(responseUrl).at(-1)?.blocks);
}

describe("escalation: ESCALATE_DAYS before the deadline, the lead hears who has not answered", () => {
  it("sends exactly one DM, in working hours, on the escalation day, and never again after a restart", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "aipb-escalation-")), "bot.db");
    const time = clock(START);
    const campaignId = await campaignWithStragglers(time, file);
    // Runs as a scheduled job like the others (one instance at a time), and once at start to catch up.
    const job = backgroundJobs(bot.deps).jobs.find((j) => j.name === "escalation");
    expect(job).toMatchObject({ cron: bot.deps.config.REMINDER_CRON, runOnStart: true });

    expect(await runEscalations(bot.deps, new Date("2026-12-14T12:00:00Z"))).toBe(0); // the day before
    expect(await runEscalations(bot.deps, new Date("2026-12-15T06:00:00Z"))).toBe(0); // before 09:30
    expect(await runEscalations(bot.deps, new Date("2026-12-15T10:00:00Z"))).toBe(1);
    expect(await runEscalations(bot.deps, new Date("2026-12-15T10:05:00Z"))).toBe(0);
    const [row] = await escalations();
    expect(row).toMatchObject({ channelId: LEAD, key: `escalation:${campaignId}` });
    const text = blockText(row?.payload.blocks);
    expect(text).toContain("*4 of 5* people have not answered yet");
    for (const user of [TOKYO, NEW_YORK, BERLIN, LISBON]) expect(text).toContain(`<@${user}>`);
    expect(text).not.toContain(`<@${PARIS}>`);
    expect([...buttonsIn(row?.payload.blocks).keys()]).toEqual([
      ESCALATION_ACTION.nudge,
      ESCALATION_ACTION.export,
    ]);
    bot.deps.now = () => new Date("2026-12-15T10:05:00Z");
    await deliver(bot);
    expect(bot.fake.messagesIn(LEAD).filter((m) => m.text.includes("have not answered"))).toHaveLength(1);

    await bot.stop();
    await start(clock("2026-12-15T11:00:00Z"), file);
    expect(await runEscalations(bot.deps, new Date("2026-12-15T11:00:00Z"))).toBe(0);
    expect(await runEscalations(bot.deps, new Date("2026-12-16T10:00:00Z"))).toBe(0);
    expect(await escalations()).toHaveLength(1);
  });

  it("catches up once after downtime over the escalation day; a campaign started inside the window is not escalated", async () => {
    const time = clock(START);
    await campaignWithStragglers(time);
    time.set("2026-12-16T09:00:00Z");
    await bot.command(`remind <@${BERLIN}> chatgpt by 2026-12-18`, {
      user_id: LEAD,
      channel_id: TEAM_CHANNEL,
    });
    expect(await runEscalations(bot.deps, new Date("2026-12-17T10:00:00Z"))).toBe(1);
    expect(await runEscalations(bot.deps, new Date("2026-12-18T10:00:00Z"))).toBe(0);
    expect((await escalations()).map((r) => blockText(r.payload.blocks))).toEqual([
      expect.stringContaining("Claude"),
    ]);
  });

  it("two instances deciding at the same moment on one store enqueue one DM", async () => {
    const time = clock(START);
    await campaignWithStragglers(time);
    const at = new Date("2026-12-15T10:00:00Z");
    const other = { ...bot.deps };
    const sent = await Promise.all([runEscalations(bot.deps, at), runEscalations(other, at)]);
    expect(sent[0] + sent[1]).toBe(1);
    expect(await escalations()).toHaveLength(1);
  });

  it("lists at most 60 people, then a count, within Slack's limits", async () => {
    const time = clock(START);
    await start(time);
    const many = Array.from({ length: 130 }, (_, i) => `U0MANY${String(i).padStart(3, "0")}`);
    for (const id of many) bot.fake.addUser({ id, tz: "UTC" });
    bot.fake.channelMembers.set(TEAM_CHANNEL, many);
    await bot.command(`remind <#${TEAM_CHANNEL}|team> claude by 2026-12-18`, {
      user_id: LEAD,
      channel_id: TEAM_CHANNEL,
    });
    await runEscalations(bot.deps, new Date("2026-12-15T10:00:00Z"));
    const text = blockText((await escalations())[0]?.payload.blocks);
    expect(text).toContain("*130 of 130*");
    expect(text.match(/<@U0MANY/g)).toHaveLength(60);
    expect(text).toContain("and 70 more (the export lists everyone)");
  });
});

describe("Nudge them now", () => {
  it("one extra reminder each, in working hours, never two on one day, idempotent, lead only", async () => {
    const time = clock(START);
    const campaignId = await campaignWithStragglers(time);
    // 15 Dec, 09:00 UTC: Berlin gets its weekly reminder (10:00 there); the others are outside their hours.
    await runReminderTick(bot.deps, new Date("2026-12-15T09:00:00Z"));
    time.set("2026-12-15T10:00:00Z");
    await runEscalations(bot.deps, time.now());

    const refused = await press(ESCALATION_ACTION.nudge, campaignId, "U0ADMIN");
    expect(refused).toContain(`Only the campaign's lead (<@${LEAD}>) can nudge`);
    expect(await nudges()).toEqual([]);

    const reply = await press(ESCALATION_ACTION.nudge, campaignId, LEAD);
    expect(reply).toContain("1 person: one extra reminder now");
    expect(reply).toContain("3 people: one when their working day starts");
    const again = await press(ESCALATION_ACTION.nudge, campaignId, LEAD);
    expect(again).toContain("4 people: nudged already");
    // Lisbon now (10:00 there, nothing sent today); Berlin had one today, so tomorrow 09:30; the others at
    // the start of their own working day.
    expect(
      Object.fromEntries((await nudges()).map((r) => [r.channelId, r.nextAttemptAt.toISOString()])),
    ).toEqual({
      [LISBON]: "2026-12-15T10:00:00.000Z",
      [BERLIN]: "2026-12-16T08:30:00.000Z",
      [TOKYO]: "2026-12-16T00:30:00.000Z",
      [NEW_YORK]: "2026-12-15T14:30:00.000Z",
    });
    expect(
      (await bot.deps.store.audit.forActor("T0FAKE", LEAD)).filter((e) => e.action === "reminders.nudge"),
    ).toHaveLength(1);

    // The schedule runs on to the deadline: each person gets at most one reminder per local day.
    for (let t = Date.parse("2026-12-15T10:30:00Z"); t <= Date.parse("2026-12-19T00:00:00Z"); t += 1_800_000)
      await runReminderTick(bot.deps, new Date(t));
    for (const [user, zone] of Object.entries(ZONES)) {
      const days = (await bot.deps.store.outbox.forPerson("T0FAKE", user))
        .filter((r) => r.kind === "reminder" && r.nextAttemptAt >= new Date("2026-12-15T00:00:00Z"))
        .map((r) => localDateOf(r.nextAttemptAt, zone));
      expect(days.length, user).toBeGreaterThanOrEqual(3);
      expect(new Set(days).size, `${user}: ${days.join(", ")}`).toBe(days.length);
    }
    expect(await nudges()).toHaveLength(4);
  });
});

async function nudges() {
  return (await bot.deps.store.outbox.list({ limit: 5000 })).filter((r) =>
    r.key.startsWith("escalation-nudge:"),
  );
}
