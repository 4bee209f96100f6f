import { afterEach, describe, expect, it } from "vitest";
import { ACTION, exportCampaignCsv, runEscalations } from "../../src/reminders/index.js";
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
  openHome,
  REMIND_ALL,
  START,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

/** The plan buttons of a message: label → [action_id, value]. */
function planButtons(blocks: unknown): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const block of (blocks ?? []) as {
    elements?: { action_id?: string; value?: string; text?: { text: string } }[];
  }[])
    for (const el of block.elements ?? [])
      if (el.action_id?.startsWith(`${ACTION.plan}.`) && el.text)
        out.set(el.text.text, [el.action_id, el.value ?? ""]);
  return out;
}

/** Berlin's delivered DM about the provider (the newest, for a later account). */
async function dmAbout(name: string) {
  const dms = bot.fake.messagesIn(BERLIN).filter((m) => m.text.includes(name));
  const dm = dms[dms.length - 1];
  if (!dm) throw new Error(`no ${name} DM`);
  return dm;
}

async function started() {
  const time = clock(START);
  bot = await startReminderBot(time.now);
  await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
  await deliver(bot);
  return time;
}

const clickPlan = async (blocks: unknown, label: string, userId = BERLIN) => {
  const button = planButtons(blocks).get(label);
  if (!button) throw new Error(`no plan button ${label}`);
  return clickReminder(bot, button[0], button[1], userId);
};

describe("which plan do you use?", () => {
  it("an excluded plan is 'not affected (plan)', sourced and dated; counted apart; double and stale clicks change nothing; Undo asks again", async () => {
    await started();
    const dm = await dmAbout("Claude");
    expect(blockText(dm.blocks)).toContain("Which plan do you use?");
    expect([...planButtons(dm.blocks).keys()]).toEqual([
      "Claude Free",
      "Claude Pro",
      "Claude Max",
      "Claude Code used from those accounts",
      "Claude for Work (Team, Enterprise)",
      "API",
      "Claude Gov",
      "Claude for Education",
      "Amazon Bedrock",
      "Google Vertex AI",
    ]);
    const id = (await stateOf(bot, BERLIN)).id;

    const [first] = await clickPlan(dm.blocks, "Claude for Work (Team, Enterprise)");
    const [second] = await clickPlan(dm.blocks, "Claude for Work (Team, Enterprise)");
    expect(first).toMatchObject({ replace_original: true });
    const text = blockText(first?.blocks);
    expect(text).toContain(
      "*Not affected:* you use Claude for Work (Team, Enterprise). By default Claude does not use",
    );
    // The catalog's sources for its tier list, with provenance, and the entry's age.
    expect(text).toContain("https://code.claude.com/docs/en/data-usage");
    expect(text).toContain("cited 29 Nov 2026");
    expect(text).toContain("As of 1 Dec 2026");
    expect(text).toContain(`Recorded for <@${BERLIN}>`);
    expect(second?.blocks).toEqual(first?.blocks);
    expect(await bot.deps.store.reminders.getState(id)).toMatchObject({
      state: "not_affected",
      plan: "Claude for Work (Team, Enterprise)",
      nextAt: null,
    });

    // Stale buttons of the old message: another plan, or an answer, change nothing.
    await clickPlan(dm.blocks, "Claude Pro");
    await clickReminder(bot, ACTION.done, String(id), BERLIN);
    expect(await bot.deps.store.reminders.getState(id)).toMatchObject({ state: "not_affected" });
    // Someone else's click is refused privately, as for the other buttons.
    const [foreign] = await clickPlan(dm.blocks, "Claude Free", NEW_YORK);
    expect(foreign).toMatchObject({ replace_original: false, response_type: "ephemeral" });

    // Status: a count of its own for everyone; the name only for the campaign's lead.
    const totals = await bot.command("status claude", { user_id: TOKYO, channel_id: TEAM_CHANNEL });
    expect(blockText(totals.body?.blocks)).toContain("not affected (plan): *1*");
    expect(blockText(totals.body?.blocks)).toContain("opted out: *0*");
    expect(blockText(totals.body?.blocks)).not.toContain("<@");
    const names = await bot.command("status claude", { user_id: LEAD, channel_id: TEAM_CHANNEL });
    expect(blockText(names.body?.blocks)).toContain(`_not affected (plan):_ <@${BERLIN}>`);

    // my-data shows the plan; Undo takes it back and asks again; a second Undo is stale.
    const mine = await bot.command("my-data", { user_id: BERLIN });
    expect(blockText(mine.body?.blocks)).toContain(
      "not affected (plan); plan Claude for Work (Team, Enterprise)",
    );
    const undo = buttonsIn(first?.blocks).get(ACTION.undo)!;
    expect(undo).toBe(`${id}:not_affected`);
    const [undone] = await clickReminder(bot, ACTION.undo, undo, BERLIN);
    expect(await bot.deps.store.reminders.getState(id)).toMatchObject({ state: "pending", plan: null });
    expect(planButtons(undone?.blocks).size).toBe(10);
    await clickReminder(bot, ACTION.undo, undo, BERLIN);
    expect(await bot.deps.store.reminders.getState(id)).toMatchObject({ state: "pending", plan: null });
  });

  it("a covered plan is recorded and the steps follow; Change plan asks again; racing plan clicks settle once", async () => {
    await started();
    const dm = await dmAbout("ChatGPT");
    const id = (await stateOf(bot, BERLIN, "chatgpt")).id;
    const [plus] = await clickPlan(dm.blocks, "ChatGPT Plus");
    expect(plus).toMatchObject({ replace_original: true });
    const text = blockText(plus?.blocks);
    expect(text).toContain("Your plan: *ChatGPT Plus*");
    expect(text).toContain("Improve the model for everyone");
    expect(text).not.toContain("Which plan do you use?");
    expect([...buttonsIn(plus?.blocks).keys()]).toEqual([
      ACTION.planChange,
      ACTION.openSettings,
      ACTION.steps,
      ACTION.done,
      ACTION.later,
      ACTION.notUsing,
      ACTION.anotherAccount,
    ]);
    // A stale excluded plan after the covered one: unchanged, still waiting for the opt-out.
    await clickPlan(dm.blocks, "ChatGPT Enterprise");
    expect(await bot.deps.store.reminders.getState(id)).toMatchObject({
      state: "pending",
      plan: "ChatGPT Plus",
    });

    // The answer keeps the plan; its Undo brings back the steps, not the question.
    const [done] = await clickReminder(bot, ACTION.done, String(id), BERLIN);
    const [back] = await clickReminder(bot, ACTION.undo, buttonsIn(done?.blocks).get(ACTION.undo)!, BERLIN);
    expect(blockText(back?.blocks)).toContain("Your plan: *ChatGPT Plus*");

    // Change plan: the question again; the same click twice changes nothing more.
    const change = buttonsIn(back?.blocks).get(ACTION.planChange)!;
    const [asked] = await clickReminder(bot, ACTION.planChange, change, BERLIN);
    expect(planButtons(asked?.blocks).size).toBe(9);
    await clickReminder(bot, ACTION.planChange, change, BERLIN);
    expect(await bot.deps.store.reminders.getState(id)).toMatchObject({ state: "pending", plan: null });

    // Two different plans clicked at once (two devices): exactly one is recorded.
    const [a, b] = await Promise.all([
      clickPlan(asked?.blocks, "ChatGPT Free"),
      clickPlan(asked?.blocks, "ChatGPT Enterprise"),
    ]);
    const after = await bot.deps.store.reminders.getState(id);
    expect(["ChatGPT Free", "ChatGPT Enterprise"]).toContain(after?.plan);
    expect(after?.state).toBe(after?.plan === "ChatGPT Free" ? "pending" : "not_affected");
    expect(a?.[0]?.blocks).toEqual(b?.[0]?.blocks);
  });
});

describe("I have another account", () => {
  it("adds a second item that is answered on its own, counted once per person, up to five, and forgotten with the rest", async () => {
    await started();
    const dm = await dmAbout("Claude");
    const one = await stateOf(bot, BERLIN);
    const add = buttonsIn(dm.blocks).get(ACTION.anotherAccount)!;
    const [added] = await clickReminder(bot, ACTION.anotherAccount, add, BERLIN);
    const [again] = await clickReminder(bot, ACTION.anotherAccount, add, BERLIN);
    expect(added).toMatchObject({ replace_original: false, response_type: "ephemeral" });
    expect(blockText(added?.blocks)).toContain("Added your *Claude* account 2");
    expect(blockText(again?.blocks)).toContain("account 2 is already listed");
    const [foreign] = await clickReminder(bot, ACTION.anotherAccount, add, NEW_YORK);
    expect(blockText(foreign?.blocks)).toContain("for someone else");
    const accounts = await bot.deps.store.reminders.accountsOf(one.campaignId, BERLIN);
    expect(accounts.map((s) => [s.account, s.sends])).toEqual([
      [1, 1],
      [2, 1],
    ]);

    // Account 2 arrives as its own DM, with its own buttons, and is answered separately.
    await deliver(bot);
    const second = await dmAbout("your account 2");
    expect(second.text).toBe("Please switch off training on your Claude chats (your account 2)");
    const two = accounts[1]!;
    expect(buttonsIn(second.blocks).get(ACTION.done)).toBe(String(two.id));
    await clickPlan(second.blocks, "API");
    expect(await bot.deps.store.reminders.getState(one.id)).toMatchObject({ state: "pending" });
    // App Home shows the account still waiting, with its buttons.
    const home = await openHome(bot, BERLIN);
    expect(blockText(home)).toContain(`"value":"${one.id}"`);
    expect(blockText(home)).not.toContain(`${two.id}:not_affected`);

    // One account still waiting: the person is "no answer"; both answered: "opted out", once.
    const pending = await bot.command("status claude", { user_id: LEAD, channel_id: TEAM_CHANNEL });
    expect(blockText(pending.body?.blocks)).toContain("not affected (plan): *0*");
    await clickReminder(bot, ACTION.done, String(one.id), BERLIN);
    const status = await bot.command("status claude", { user_id: LEAD, channel_id: TEAM_CHANNEL });
    const shown = blockText(status.body?.blocks);
    expect(shown).toContain("3 people");
    expect(shown).toContain("opted out: *1* · not affected (plan): *0*");
    expect(shown).toContain("1 person answered for more than one account (1 more account)");
    expect(shown.split(`<@${BERLIN}>`)).toHaveLength(2);
    // The evidence export has a row per account, with the plan and the button that set it.
    const csv = (await exportCampaignCsv(bot.deps.store, one.campaignId))!.split("\r\n");
    const berlin = csv.filter((line) => line.includes(BERLIN));
    expect(berlin).toHaveLength(2);
    expect(berlin[0]).toMatch(/,done,.*I've opted out button in the DM.*,1,$/);
    expect(berlin[1]).toMatch(
      /,not_affected,.*Which plan button in the DM,.*→ not affected \(plan\).*,2,API$/,
    );

    // Account N's message adds N+1, up to five; the fifth's says that is the most.
    let from = two;
    for (let n = 3; n <= 5; n++) {
      await clickReminder(bot, ACTION.anotherAccount, String(from.id), BERLIN);
      from = (await bot.deps.store.reminders.accountsOf(one.campaignId, BERLIN))[n - 1]!;
      expect(from.account).toBe(n);
    }
    const [capped] = await clickReminder(bot, ACTION.anotherAccount, String(from.id), BERLIN);
    expect(blockText(capped?.blocks)).toContain(
      "You have 5 *Claude* accounts listed, the most I keep track of",
    );
    expect(await bot.deps.store.reminders.accountsOf(one.campaignId, BERLIN)).toHaveLength(5);

    // my-data lists every account; forget-me removes them all and leaves one anonymous person.
    const mine = await bot.command("my-data", { user_id: BERLIN });
    expect(blockText(mine.body?.blocks)).toContain(
      `(campaign ${one.campaignId}, account 2): not affected (plan); plan API`,
    );
    const [forgotten] = await clickReminder(bot, ACTION.forgetConfirm, BERLIN, BERLIN);
    expect(blockText(forgotten?.blocks)).toContain("I deleted 6 reminder answer(s)");
    expect(await bot.deps.store.reminders.accountsOf(one.campaignId, BERLIN)).toEqual([]);
    expect(await bot.deps.store.reminders.counts(one.campaignId)).toMatchObject({ pending: 3 });
  });

  it("the lead's escalation DM counts and names a person with two waiting accounts once", async () => {
    await started();
    const one = await stateOf(bot, BERLIN);
    await clickReminder(bot, ACTION.anotherAccount, String(one.id), BERLIN);
    // ESCALATE_DAYS (3) before the 31 December deadline, in working hours.
    expect(await runEscalations(bot.deps, new Date("2026-12-28T10:00:00Z"))).toBe(2); // Claude and ChatGPT
    const [row] = (await bot.deps.store.outbox.list({ limit: 100 })).filter(
      (r) => r.kind === "reminder-escalation" && r.key === `escalation:${one.campaignId}`,
    );
    const text = blockText(row?.payload.blocks);
    expect(text).toContain("*3 of 3* people have not answered yet");
    expect(text.split(`<@${BERLIN}>`)).toHaveLength(2);
  });

  it("a closed campaign adds no account", async () => {
    const time = await started();
    const one = await stateOf(bot, BERLIN);
    await bot.deps.store.reminders.closeCampaign(one.campaignId, time.now());
    const [closed] = await clickReminder(bot, ACTION.anotherAccount, String(one.id), BERLIN);
    expect(blockText(closed?.blocks)).toContain("campaign closed");
    expect(await bot.deps.store.reminders.accountsOf(one.campaignId, BERLIN)).toHaveLength(1);
  });
});
