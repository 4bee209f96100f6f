import { afterEach, describe, expect, it } from "vitest";
import { ACTION, reminderJob, runReminderTick } from "../../src/reminders/index.js";
import type { TestBot } from "../support/bot.js";
import {
  BERLIN,
  blockText,
  buttonsIn,
  clock,
  DESIGN_GROUP,
  deliver,
  eventTs,
  LEAD,
  memberEvent,
  NEW_YORK,
  openHome,
  START,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

const JOINER_BERLIN = "U0JOINBER";
const JOINER_TOKYO = "U0JOINTKY";
const REMIND_CHANNEL = `remind <#${TEAM_CHANNEL}|team> claude by 2026-12-31`;

async function startChannelCampaign(extra = "") {
  const time = clock(START);
  bot = await startReminderBot(time.now);
  bot.fake.addUser({ id: JOINER_BERLIN, tz: "Europe/Berlin" });
  bot.fake.addUser({ id: JOINER_TOKYO, tz: "Asia/Tokyo" });
  const reply = await bot.command(`${REMIND_CHANNEL}${extra}`, { user_id: LEAD, channel_id: TEAM_CHANNEL });
  const [campaign] = await bot.deps.store.reminders.listCampaigns({ teamId: "T0FAKE" });
  if (!campaign) throw new Error("no campaign");
  return { time, reply, campaign };
}

const statesOf = async (userId: string) => bot.deps.store.reminders.statesForUser("T0FAKE", userId);
const outboxTo = async (userId: string) =>
  (await bot.deps.store.outbox.list({})).filter((r) => r.channelId === userId && r.kind === "reminder");
const statusText = async () => blockText((await bot.command("status", { user_id: LEAD })).body?.blocks);
const myData = async (userId: string) =>
  blockText((await bot.command("my-data", { user_id: userId })).body?.blocks);

describe("a campaign for a #channel follows it while open", () => {
  it("asks a joiner in their working hours, through the outbox; one outside them at their next morning", async () => {
    const { time, reply } = await startChannelCampaign();
    expect(reply.body?.text).toContain("People who join those channels or groups later are asked too");
    time.set("2026-12-01T10:00:00Z"); // 11:00 in Berlin, 19:00 in Tokyo
    await memberEvent(bot, {
      joined: true,
      userId: JOINER_BERLIN,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:00:00Z"),
    });
    await memberEvent(bot, {
      joined: true,
      userId: JOINER_TOKYO,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:00:01Z"),
    });
    expect(await outboxTo(JOINER_BERLIN)).toHaveLength(1);
    await deliver(bot);
    const [dm] = bot.fake.messagesIn(JOINER_BERLIN);
    expect(dm?.text).toBe("Please switch off training on your Claude chats");
    expect(buttonsIn(dm?.blocks).has(ACTION.done)).toBe(true);

    // Tokyo's joiner waits for 09:30 their time, then the ordinary tick asks them.
    expect(await outboxTo(JOINER_TOKYO)).toHaveLength(0);
    expect((await stateOf(bot, JOINER_TOKYO)).nextAt?.toISOString()).toBe("2026-12-02T00:30:00.000Z");
    await runReminderTick(bot.deps, new Date("2026-12-02T00:30:00Z"));
    expect(await outboxTo(JOINER_TOKYO)).toHaveLength(1);

    time.set("2026-12-02T00:31:00Z");
    expect(await statusText()).toContain("joined since the start: *2*");
    expect(await myData(JOINER_BERLIN)).toContain("asked when you joined");
  });

  it("a retried or duplicated join adds once; an older event never overrides a newer one", async () => {
    const { time } = await startChannelCampaign();
    time.set("2026-12-01T10:00:00Z");
    const join = {
      joined: true,
      userId: JOINER_BERLIN,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:00:00Z"),
      eventId: "Ev0JOIN1",
    };
    await memberEvent(bot, join);
    await memberEvent(bot, { ...join, retryNum: 1 });
    await memberEvent(bot, { ...join, retryNum: 2 });
    expect(await statesOf(JOINER_BERLIN)).toHaveLength(1);
    expect(await outboxTo(JOINER_BERLIN)).toHaveLength(1);

    // Out of order: the leave (10:05) arrives before the join it follows (10:04): nobody is enrolled.
    const late = { userId: JOINER_TOKYO, channelId: TEAM_CHANNEL };
    await memberEvent(bot, { ...late, joined: false, ts: eventTs("2026-12-01T10:05:00Z") });
    await memberEvent(bot, { ...late, joined: true, ts: eventTs("2026-12-01T10:04:00Z") });
    expect(await statesOf(JOINER_TOKYO)).toHaveLength(0);
    expect(await myData(JOINER_TOKYO)).toContain("left (no more reminders)");

    // A leaver is not resurrected by a late copy of an older join.
    const ny = { userId: NEW_YORK, channelId: TEAM_CHANNEL };
    await memberEvent(bot, { ...ny, joined: false, ts: eventTs("2026-12-01T10:10:00Z", 500) });
    await memberEvent(bot, { ...ny, joined: true, ts: eventTs("2026-12-01T10:10:00Z", 499) });
    expect((await stateOf(bot, NEW_YORK)).nextAt).toBeNull();
    // Other workspaces' events about a channel with the same ID touch nothing here.
    await memberEvent(bot, { ...ny, joined: true, ts: eventTs("2026-12-01T10:20:00Z"), teamId: "T0OTHER" });
    expect((await stateOf(bot, NEW_YORK)).nextAt).toBeNull();
  });

  it("someone who leaves mid-campaign gets no more reminders, counted for the lead; coming back resumes", async () => {
    const time = clock(START);
    bot = await startReminderBot(time.now);
    // Tokyo is also mentioned by name: leaving the channel does not stop what the lead asked directly.
    await bot.command(`remind <@${TOKYO}|tokyo> <#${TEAM_CHANNEL}|team> claude by 2026-12-31`, {
      user_id: LEAD,
    });
    expect((await stateOf(bot, NEW_YORK)).nextAt?.toISOString()).toBe("2026-12-01T14:30:00.000Z");
    time.set("2026-12-01T12:00:00Z");
    for (const userId of [NEW_YORK, TOKYO])
      await memberEvent(bot, {
        joined: false,
        userId,
        channelId: TEAM_CHANNEL,
        ts: eventTs("2026-12-01T12:00:00Z"),
      });
    expect((await stateOf(bot, NEW_YORK)).nextAt).toBeNull();
    expect((await stateOf(bot, TOKYO)).nextAt?.toISOString()).toBe("2026-12-02T00:30:00.000Z");

    await runReminderTick(bot.deps, new Date("2026-12-01T14:30:00Z"));
    expect(await outboxTo(NEW_YORK)).toHaveLength(0);
    const status = await statusText();
    expect(status).toContain("left (no more reminders): *1*");
    expect(status).not.toContain(`<@${NEW_YORK}> left`);
    expect(await myData(NEW_YORK)).toContain(`<#${TEAM_CHANNEL}>: left (no more reminders)`);

    // Back in the channel at 15:00 UTC (10:00 in New York, working hours): asked again right away.
    time.set("2026-12-01T15:00:00Z");
    await memberEvent(bot, {
      joined: true,
      userId: NEW_YORK,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T15:00:00Z"),
    });
    expect(await outboxTo(NEW_YORK)).toHaveLength(1);
    expect(await statusText()).toContain("left (no more reminders): *0*");
  });

  it("`no-joiners` and the App Home switch turn auto-enrol off and on; leavers still stop", async () => {
    const { time, reply, campaign } = await startChannelCampaign(" no-joiners");
    expect(reply.body?.text).toContain("are not asked (`no-joiners`)");
    time.set("2026-12-01T10:00:00Z");
    await memberEvent(bot, {
      joined: true,
      userId: JOINER_BERLIN,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:00:00Z"),
    });
    expect(await statesOf(JOINER_BERLIN)).toHaveLength(0);
    await memberEvent(bot, {
      joined: false,
      userId: NEW_YORK,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:00:00Z"),
    });
    expect((await stateOf(bot, NEW_YORK)).nextAt).toBeNull();

    const home = (await openHome(bot, LEAD)) as { blocks: unknown[] };
    expect(blockText(home.blocks)).toContain("New joiners: not asked");
    const toggle = buttonsIn(home.blocks).get(ACTION.joinersToggle);
    expect(toggle).toBe(`${campaign.id}:on`);
    // Only a lead may flip it.
    await bot.click({ actionId: ACTION.joinersToggle, value: toggle!, userId: TOKYO, containerType: "view" });
    expect((await bot.deps.store.audiences.sources(campaign.id))[0]?.autoEnrol).toBe(false);
    await bot.click({ actionId: ACTION.joinersToggle, value: toggle!, userId: LEAD, containerType: "view" });
    expect((await bot.deps.store.audiences.sources(campaign.id))[0]?.autoEnrol).toBe(true);

    await memberEvent(bot, {
      joined: true,
      userId: JOINER_TOKYO,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:30:00Z"),
    });
    expect(await statesOf(JOINER_TOKYO)).toHaveLength(1);
    const audit = await bot.deps.store.audit.forActor("T0FAKE", LEAD);
    expect(audit.map((a) => a.action)).toContain("reminders.campaign.joiners");
  });

  it("the re-read on each tick catches a missed join and leave, pages through big channels, and trusts no failed read", async () => {
    const time = clock(START);
    bot = await startReminderBot(time.now);
    bot.fake.addUser({ id: JOINER_BERLIN, tz: "Europe/Berlin" });
    bot.fake.addUser({ id: JOINER_TOKYO, tz: "Asia/Tokyo" });
    // 1,100 members the directory does not know (skipped at the start), so the newcomer is on page 2.
    const crowd = Array.from({ length: 1100 }, (_, i) => `U0CROWD${String(i).padStart(4, "0")}`);
    bot.fake.channelMembers.set(TEAM_CHANNEL, [TOKYO, NEW_YORK, ...crowd]);
    await bot.command(`remind <#${TEAM_CHANNEL}|team> <!subteam^${DESIGN_GROUP}|@design> claude`, {
      user_id: LEAD,
    });
    const job = reminderJob(bot.deps);

    // No events at all: the channel gains a member and loses Tokyo, the group swaps Berlin for a newcomer.
    bot.fake.channelMembers.set(TEAM_CHANNEL, [NEW_YORK, ...crowd, JOINER_TOKYO]);
    bot.fake.usergroupMembers.set(DESIGN_GROUP, [NEW_YORK, JOINER_BERLIN]);
    time.set("2026-12-01T09:00:00Z");
    const pagesBefore = bot.fake.callsTo("conversations.members").length;
    const report = await job.run();
    expect(report.audiences).toMatchObject({ read: 2, unreadable: 0, enrolled: 2, stopped: 2 });
    expect(bot.fake.callsTo("conversations.members").length - pagesBefore).toBe(2);
    expect(await statesOf(JOINER_TOKYO)).toHaveLength(1);
    expect(await outboxTo(JOINER_BERLIN)).toHaveLength(1); // 10:00 in Berlin: asked at once
    expect((await stateOf(bot, TOKYO)).nextAt).toBeNull();
    // Berlin left the group but had been asked already: the DM went out, nothing more is planned.
    expect((await stateOf(bot, BERLIN)).nextAt).toBeNull();

    // A second run finds nothing new: the re-read is idempotent.
    expect((await job.run()).audiences).toMatchObject({ enrolled: 0, stopped: 0, resumed: 0 });

    // Slack cannot list the channel this time: nobody is taken for gone.
    bot.fake.channelMembers.set(TEAM_CHANNEL, []);
    bot.fake.inject("conversations.members", { kind: "error", error: "not_in_channel" });
    time.set("2026-12-01T09:05:00Z");
    expect((await job.run()).audiences).toMatchObject({ read: 1, unreadable: 1, stopped: 0 });
    expect((await stateOf(bot, NEW_YORK)).nextAt).not.toBeNull();
  });

  it("forget-me removes the person's membership rows with everything else", async () => {
    const { time } = await startChannelCampaign();
    time.set("2026-12-01T10:00:00Z");
    await memberEvent(bot, {
      joined: false,
      userId: NEW_YORK,
      channelId: TEAM_CHANNEL,
      ts: eventTs("2026-12-01T10:00:00Z"),
    });
    expect(await bot.deps.store.audiences.forUser("T0FAKE", NEW_YORK)).toHaveLength(1);
    await bot.click({ actionId: ACTION.forgetConfirm, value: NEW_YORK, userId: NEW_YORK });
    expect(await bot.deps.store.audiences.forUser("T0FAKE", NEW_YORK)).toHaveLength(0);
    expect(await statesOf(NEW_YORK)).toHaveLength(0);
  });
});
