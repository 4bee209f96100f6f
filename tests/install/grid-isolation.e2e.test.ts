import { afterEach, describe, expect, it } from "vitest";
import { backgroundJobs } from "../../src/jobs.js";
import { ACTION, planChoices } from "../../src/reminders/index.js";
import { blockText, buttonsIn, clock, START } from "../reminders/helpers.js";
import type { TestBot } from "../support/bot.js";
import { install, startDistributedBot } from "./helpers.js";

/**
 * Enterprise Grid: a person has one user ID (W…) in every workspace of the organisation
 * (docs.slack.dev/enterprise-grid). Two workspaces of one organisation install the app on their own; the
 * same lead asks the same person in both. Whatever happens to that person in workspace A — Slack says
 * they are gone there, they ask to be forgotten there, the lead asks to be forgotten there — workspace B's
 * rows about them stay exactly as they were.
 */

const LEAD = "W0LEAD";
const PERSON = "W0SHARED";
const tokenOf = (team: string) => `xoxb-${team}-grid`;

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

async function startGrid(now: () => Date): Promise<TestBot> {
  const bot = await startDistributedBot({ now });
  bots.push(bot);
  bot.fake.addUser({ id: LEAD, tz: "Europe/London", is_admin: true });
  bot.fake.addUser({ id: PERSON, tz: "Europe/Berlin" });
  for (const team of ["TA", "TB"]) {
    bot.fake.addGrant(`code-${team}`, {
      token: tokenOf(team),
      teamId: team,
      enterpriseId: "E0GRID",
      botUserId: `UBOT${team}`,
      botId: `BBOT${team}`,
      installerId: LEAD,
    });
    expect((await install(bot.base, `code-${team}`)).status).toBe(200);
    const asked = await bot.command(`remind <@${PERSON}|shared> claude`, {
      team_id: team,
      user_id: LEAD,
      channel_id: `C${team}`,
    });
    expect(blockText(asked.body)).not.toContain("not installed");
  }
  return bot;
}

const drain = async (bot: TestBot) => {
  const { deliverer } = backgroundJobs(bot.deps);
  await deliverer.drain();
  await deliverer.stop();
};

/** Workspace B's DM to the person is held back (rate-limited for an hour), so it is still pending. */
const holdBackB = (bot: TestBot) =>
  bot.fake.inject(
    "chat.postMessage",
    { kind: "http", status: 429, retryAfter: 3600 },
    { token: tokenOf("TB"), channel: PERSON },
  );

const dmsTo = async (bot: TestBot, team: string) =>
  (await bot.deps.store.outbox.forPerson(team, PERSON)).filter((r) => r.channelId === PERSON);

async function forget(bot: TestBot, team: string, userId: string): Promise<void> {
  const confirm = await bot.command("forget-me", { team_id: team, user_id: userId, channel_id: `C${team}` });
  const value = buttonsIn(confirm.body?.blocks as unknown[]).get(ACTION.forgetConfirm);
  expect(value).toBe(userId);
  await bot.click({
    actionId: ACTION.forgetConfirm,
    value: userId,
    userId,
    teamId: team,
    channelId: `D${userId}`,
  });
}

describe("Enterprise Grid: one user ID in two workspaces", () => {
  it("a person gone in A is not gone in B: B's reminders and waiting DMs stay", async () => {
    const bot = await startGrid(clock(START).now);
    const { store } = bot.deps;
    holdBackB(bot);
    bot.fake.inject(
      "chat.postMessage",
      { kind: "error", error: "user_not_found" },
      {
        token: tokenOf("TA"),
        channel: PERSON,
      },
    );
    await drain(bot);

    expect((await store.reminders.statesForUser("TA", PERSON)).map((s) => s.state)).toEqual(["unreachable"]);
    const inB = await store.reminders.statesForUser("TB", PERSON);
    expect(inB.map((s) => s.state)).toEqual(["pending"]);
    expect(inB[0]?.nextAt).not.toBeNull();
    expect((await dmsTo(bot, "TB")).map((r) => r.status)).toEqual(["pending"]);
    expect((await store.audit.list("TB", 50)).map((a) => a.action)).not.toContain("reminders.unreachable");

    // my-data in B shows B's answer only; A's "unreachable" is A's business.
    const mine = blockText((await bot.command("my-data", { team_id: "TB", user_id: PERSON })).body?.blocks);
    expect(mine).toMatch(/Claude \(campaign \d+\): no answer;/);
    expect(mine).not.toContain("unreachable");
  });

  it("forget-me in A deletes and anonymises A's rows only; B keeps the person, the lead and their audit", async () => {
    const time = clock(START);
    const bot = await startGrid(time.now);
    const { store } = bot.deps;
    holdBackB(bot);
    await drain(bot);
    expect((await dmsTo(bot, "TA")).map((r) => r.status)).toEqual(["sent"]);
    expect((await dmsTo(bot, "TB")).map((r) => r.status)).toEqual(["pending"]);

    await forget(bot, "TA", PERSON);
    expect(await store.reminders.statesForUser("TA", PERSON)).toEqual([]);
    expect((await dmsTo(bot, "TA")).map((r) => r.status)).toEqual([]); // scrubbed: no longer addressed to them
    expect((await store.reminders.statesForUser("TB", PERSON)).map((s) => s.state)).toEqual(["pending"]);
    expect((await dmsTo(bot, "TB")).map((r) => r.status)).toEqual(["pending"]);

    await forget(bot, "TA", LEAD);
    const leads = async (team: string) =>
      (await store.reminders.listCampaigns({ teamId: team })).map((c) => c.leadId);
    expect(await leads("TA")).toEqual(["forgotten-user"]);
    expect(await leads("TB")).toEqual([LEAD]);
    expect(await store.audit.forActor("TA", LEAD)).toEqual([]);
    expect((await store.audit.forActor("TB", LEAD)).length).toBeGreaterThan(0);

    // B's DM still goes out, with B's token, once Slack lets it (two hours later, still working hours).
    time.set("2026-12-01T10:45:00Z");
    await drain(bot);
    expect(
      bot.fake
        .callsTo("chat.postMessage")
        .filter((c) => c.args.channel === PERSON)
        .map((c) => c.authorization)
        .slice(-1),
    ).toEqual([`Bearer ${tokenOf("TB")}`]);
    expect((await dmsTo(bot, "TB")).map((r) => r.status)).toEqual(["sent"]);
  });
});

describe("Enterprise Grid: buttons carry IDs, and IDs are not scoped", () => {
  it("a state or campaign ID from workspace A clicked in workspace B changes nothing in A", async () => {
    const bot = await startGrid(clock(START).now);
    const { store } = bot.deps;
    const [inA] = await store.reminders.statesForUser("TA", PERSON);
    const [campaignA] = await store.reminders.listCampaigns({ teamId: "TA" });
    // The person answers A's reminder from B (a forged or stale button): A's answer stays open.
    await bot.click({ actionId: ACTION.done, value: String(inA?.id), userId: PERSON, teamId: "TB" });
    expect((await store.reminders.getState(inA?.id ?? 0))?.state).toBe("pending");
    // The plan buttons and "I have another account" name the state too: from B they change nothing in A.
    const excluded = planChoices(bot.deps.catalog.byId("claude")!).find((c) => c.excluded);
    const plan = `${inA?.id}:${excluded?.key}`;
    await bot.click({ actionId: ACTION.plan, value: plan, userId: PERSON, teamId: "TB" });
    await bot.click({
      actionId: ACTION.anotherAccount,
      value: String(inA?.id),
      userId: PERSON,
      teamId: "TB",
    });
    expect(await store.reminders.statesForUser("TA", PERSON)).toMatchObject([
      { state: "pending", plan: null },
    ]);
    // B's admin (a lead in B only) tries to close A's campaign.
    bot.fake.addUser({ id: "W0BADMIN", is_admin: true });
    await bot.click({
      actionId: ACTION.closeCampaign,
      value: String(campaignA?.id),
      userId: "W0BADMIN",
      teamId: "TB",
      containerType: "view",
    });
    expect((await store.reminders.getCampaign(campaignA?.id ?? 0))?.status).toBe("open");
    // From A, the same clicks work.
    await bot.click({ actionId: ACTION.done, value: String(inA?.id), userId: PERSON, teamId: "TA" });
    expect((await store.reminders.getState(inA?.id ?? 0))?.state).toBe("done");
    await bot.click({
      actionId: ACTION.closeCampaign,
      value: String(campaignA?.id),
      userId: LEAD,
      teamId: "TA",
      containerType: "view",
    });
    expect((await store.reminders.getCampaign(campaignA?.id ?? 0))?.status).toBe("closed");
  });
});
