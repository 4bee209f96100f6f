import { afterEach, describe, expect, it } from "vitest";
import { runCatalogCheck } from "../../src/announce/index.js";
import { type Catalog, makeCatalog } from "../../src/catalog/index.js";
import {
  ACTION,
  recheckForCatalogChanges,
  recheckForPolicyChanges,
  requestRecheck,
  runReminderTick,
} from "../../src/reminders/index.js";
import type { TestBot } from "../support/bot.js";
import {
  BERLIN,
  blockText,
  buttonsIn,
  chooseTools,
  clickReminder,
  clock,
  currentState,
  LEAD,
  NEW_YORK,
  openHome,
  REMIND_ALL,
  START,
  searchTools,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

async function campaign() {
  const time = clock(START);
  bot = await startReminderBot(time.now);
  await bot.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
  return time;
}

describe("leads and everyone else", () => {
  it("a non-lead cannot remind and sees totals only; the lead sees names, ephemerally", async () => {
    await campaign();
    const refused = await bot.command(`remind <@${BERLIN}|berlin> claude`, { user_id: TOKYO });
    expect(refused.body?.text).toContain("Only team leads can send opt-out reminders");
    expect(await bot.deps.store.reminders.listCampaigns({})).toHaveLength(2);

    await clickReminder(bot, ACTION.done, String((await stateOf(bot, BERLIN)).id), BERLIN);
    const totals = await bot.command("status claude", { user_id: TOKYO, channel_id: TEAM_CHANNEL });
    expect(totals.body?.response_type).toBe("ephemeral");
    expect(blockText(totals.body?.blocks)).toContain("opted out: *1*");
    expect(blockText(totals.body?.blocks)).not.toContain("<@");

    const names = await bot.command("status claude", { user_id: LEAD, channel_id: TEAM_CHANNEL });
    expect(names.body?.response_type).toBe("ephemeral");
    expect(blockText(names.body?.blocks)).toContain(`_opted out:_ <@${BERLIN}>`);
    expect(blockText(names.body?.blocks)).toContain(`<@${TOKYO}>`);
    expect(blockText(names.body?.blocks)).not.toContain("ChatGPT");
  });
});

describe("re-check when things change", () => {
  it("asks only people who opted out, once per change, and not when the lead turned it off", async () => {
    const time = await campaign();
    const berlin = await stateOf(bot, BERLIN);
    await clickReminder(bot, ACTION.done, String(berlin.id), BERLIN);
    await clickReminder(bot, ACTION.notUsing, String((await stateOf(bot, TOKYO)).id), TOKYO);

    // The policy monitor announces a change for Claude.
    const reason = "Anthropic updated its Consumer Terms on 1 Dec 2026.";
    expect(
      await requestRecheck(bot.deps, { providerId: "claude", reason, changeId: "doc-v2", now: time.now() }),
    ).toBe(1);
    expect(
      await requestRecheck(bot.deps, { providerId: "claude", reason, changeId: "doc-v2", now: time.now() }),
    ).toBe(0);
    const rechecks = (await bot.deps.store.outbox.list({ limit: 100 })).filter(
      (r) => r.kind === "reminder-recheck",
    );
    expect(rechecks.map((r) => r.channelId)).toEqual([BERLIN]);
    expect(rechecks[0]?.payload.text).toContain("please re-check");
    expect(blockText(rechecks[0]?.payload.blocks)).toContain("Consumer Terms");
    expect(await currentState(bot, berlin.id)).toBe("pending");
    expect(await currentState(bot, (await stateOf(bot, TOKYO)).id)).toBe("not_using");

    // Confirming from the re-check message counts as opted out again.
    await clickReminder(bot, ACTION.done, buttonsIn(rechecks[0]?.payload.blocks).get(ACTION.done)!, BERLIN);
    expect(await currentState(bot, berlin.id)).toBe("done");

    // The lead turns re-checks off for the campaign from the App Home: the next change asks nobody.
    const home = (await openHome(bot, LEAD)) as { blocks: unknown[] };
    const toggle = buttonsIn(home.blocks).get(ACTION.recheckToggle);
    expect(toggle).toBe(`${berlin.campaignId}:off`);
    await bot.click({ actionId: ACTION.recheckToggle, value: toggle!, userId: LEAD, containerType: "view" });
    expect((await bot.deps.store.reminders.getCampaign(berlin.campaignId))?.recheck).toBe(false);
    expect(
      await requestRecheck(bot.deps, { providerId: "claude", reason, changeId: "doc-v3", now: time.now() }),
    ).toBe(0);
    // …and back on: the monitor's results (only real changes, not flip-flops or failures) ask again.
    await bot.click({
      actionId: ACTION.recheckToggle,
      value: `${berlin.campaignId}:on`,
      userId: LEAD,
      containerType: "view",
    });
    const results = [
      { providerId: "claude", documentId: "anthropic-consumer-terms", status: "failed" },
      {
        providerId: "claude",
        documentId: "anthropic-consumer-terms",
        status: "changed",
        versionId: 9,
        seenBefore: true,
      },
      { providerId: "claude", documentId: "anthropic-consumer-terms", status: "changed", versionId: 10 },
    ];
    expect(await recheckForPolicyChanges(bot.deps, results, time.now())).toBe(1);
    const latest = (await bot.deps.store.outbox.list({ limit: 100 })).filter(
      (r) => r.kind === "reminder-recheck",
    )[0];
    expect(blockText(latest?.payload.blocks)).toContain("Claude changed “Anthropic Consumer Terms”");
  });

  it("asks for a re-check when announce/ finds the catalog's opt-out steps changed, once per change", async () => {
    const time = await campaign();
    await clickReminder(bot, ACTION.done, String((await stateOf(bot, BERLIN, "chatgpt")).id), BERLIN);
    await clickReminder(bot, ACTION.done, String((await stateOf(bot, NEW_YORK, "claude")).id), NEW_YORK);
    const check = async (catalog: Catalog) => await runCatalogCheck({ ...bot.deps, catalog });
    expect((await check(bot.deps.catalog)).changes).toEqual([]); // first run: the baseline
    const changed = bot.deps.catalog.providers.map((p) =>
      p.id === "chatgpt" && p.optOut
        ? {
            ...p,
            optOut: {
              ...p.optOut,
              platforms: p.optOut.platforms.map((x) => ({
                ...x,
                steps: [{ id: "new", text: "A new menu." }],
              })),
            },
          }
        : p.id === "claude"
          ? { ...p, trainsByDefault: { value: "partial" as const, sources: [] } }
          : p,
    );
    const { changes } = await check(makeCatalog(changed));
    expect(changes.map((c) => [c.providerId, c.optOutStepsChanged]).sort()).toEqual([
      ["chatgpt", true],
      ["claude", false],
    ]);
    expect(await recheckForCatalogChanges(bot.deps, changes, time.now())).toBe(1);
    expect(await recheckForCatalogChanges(bot.deps, changes, time.now())).toBe(0);
    const rechecks = (await bot.deps.store.outbox.list({ limit: 100 })).filter(
      (r) => r.kind === "reminder-recheck",
    );
    expect(rechecks.map((r) => r.channelId)).toEqual([BERLIN]);
    expect(rechecks[0]?.payload.text).toContain("ChatGPT");
    expect(await currentState(bot, (await stateOf(bot, NEW_YORK, "claude")).id)).toBe("done");
  });
});

describe("App Home", () => {
  it("shows the person's checklist with buttons, their tools, and for leads their campaigns", async () => {
    await campaign();
    const home = (await openHome(bot, NEW_YORK)) as { type: string; blocks: unknown[] };
    expect(home.type).toBe("home");
    expect(blockText(home.blocks)).toContain("*Claude*: no answer");
    expect(blockText(home.blocks)).not.toContain("Your reminder campaigns");
    const claude = String((await stateOf(bot, NEW_YORK)).id);
    await bot.click({ actionId: ACTION.done, value: claude, userId: NEW_YORK, containerType: "view" });
    expect(await currentState(bot, Number(claude))).toBe("done");
    const refreshed = bot.fake.homeViews.get(NEW_YORK) as { blocks: unknown[] };
    expect(blockText(refreshed.blocks)).toContain("*Claude*: opted out");
    expect(buttonsIn(refreshed.blocks).get(ACTION.undo)).toBe(`${claude}:done`);

    // The search behind "Tools I use" (used when the catalog is too big to list) finds by name or alias.
    expect((await searchTools(bot, NEW_YORK, "gemi")).map((o) => o.value)).toEqual(["gemini"]);
    await chooseTools(bot, NEW_YORK, ["gemini", "not-a-provider"]);
    expect((await bot.deps.store.reminders.tools("T0FAKE", NEW_YORK)).map((t) => t.providerId)).toEqual([
      "gemini",
    ]);
    expect(blockText((bot.fake.homeViews.get(NEW_YORK) as { blocks: unknown[] }).blocks)).toContain(
      "you use it",
    );

    const lead = (await openHome(bot, LEAD)) as { blocks: unknown[] };
    expect(blockText(lead.blocks)).toContain("Your reminder campaigns");
    expect(blockText(lead.blocks)).toMatch(/▓+░+ 33% answered/);
    const close = [...buttonsIn(lead.blocks).entries()].find(([k]) => k === ACTION.closeCampaign)?.[1];
    // Someone else cannot close the lead's campaign.
    await bot.click({ actionId: ACTION.closeCampaign, value: close!, userId: TOKYO, containerType: "view" });
    expect((await bot.deps.store.reminders.getCampaign(Number(close)))?.status).toBe("open");
    await bot.click({ actionId: ACTION.closeCampaign, value: close!, userId: LEAD, containerType: "view" });
    expect((await bot.deps.store.reminders.getCampaign(Number(close)))?.status).toBe("closed");
    expect(
      (await bot.deps.store.outbox.list({ limit: 100 })).filter((r) => r.kind === "reminder-closing"),
    ).toHaveLength(1);
  });
});

describe("the bot's own privacy", () => {
  it("my-data shows everything stored; forget-me deletes every row about the person after a confirm", async () => {
    const time = await campaign();
    await clickReminder(bot, ACTION.later, String((await stateOf(bot, BERLIN)).id), BERLIN);
    await bot.deps.store.reminders.setTools("T0FAKE", BERLIN, ["gemini"], time.now());
    await bot.deps.store.audit.record({
      at: time.now(),
      teamId: "T0FAKE",
      actorId: BERLIN,
      action: "test.action",
      detail: {},
    });
    await bot.deps.store.subscriptions.upsert({
      teamId: "T0FAKE",
      channelId: "C0X",
      providerId: "claude",
      kinds: ["changes"],
      createdBy: BERLIN,
      now: time.now(),
    });
    await runReminderTick(bot.deps, new Date("2026-12-02T08:30:00Z"));

    const mine = await bot.command("my-data", { user_id: BERLIN });
    const text = blockText(mine.body?.blocks);
    expect(mine.body?.response_type).toBe("ephemeral");
    for (const part of [
      "Reminder answers* (2)",
      "Tools you said you use* (1)",
      // The snooze click is evidence for the lead's export (how they answered): it is the person's data too.
      "Audit log entries* (2)",
      "reminders.answer",
      "Subscriptions you created* (1)",
      "Messages to you in my outbox* (3)",
    ]) {
      expect(text).toContain(part);
    }

    const confirm = await bot.command("forget-me", { user_id: BERLIN });
    const value = buttonsIn(confirm.body?.blocks as unknown[]).get(ACTION.forgetConfirm)!;
    expect(await bot.deps.store.reminders.statesForUser("T0FAKE", BERLIN)).toHaveLength(2); // nothing deleted before the click
    // Someone else clicking the confirm button deletes nothing.
    await clickReminder(bot, ACTION.forgetConfirm, value, TOKYO);
    expect(await bot.deps.store.reminders.statesForUser("T0FAKE", BERLIN)).toHaveLength(2);
    const [done] = await clickReminder(bot, ACTION.forgetConfirm, value, BERLIN);
    expect(blockText(done?.blocks)).toContain("I deleted 2 reminder answer(s)");

    const { store } = bot.deps;
    expect(await store.reminders.statesForUser("T0FAKE", BERLIN)).toEqual([]);
    expect(await store.reminders.tools("T0FAKE", BERLIN)).toEqual([]);
    expect(await store.audit.forActor("T0FAKE", BERLIN)).toEqual([]);
    expect((await store.subscriptions.listAll()).filter((s) => s.createdBy === BERLIN)).toEqual([]);
    expect(
      (await store.outbox.list({ limit: 1000 })).filter(
        (r) => r.channelId === BERLIN || r.notifyUserId === BERLIN,
      ),
    ).toEqual([]);
    expect(JSON.stringify(await store.outbox.list({ limit: 1000 }))).not.toContain(BERLIN);
    // The campaign keeps an anonymous count of the answer.
    const claude = (await store.reminders.listCampaigns({ providerId: "claude" }))[0]!;
    expect(await store.reminders.counts(claude.id)).toMatchObject({ pending: 3 });
    const after = await bot.command("my-data", { user_id: BERLIN });
    expect(blockText(after.body?.blocks)).toContain("Reminder answers* (0)");
  });
});
