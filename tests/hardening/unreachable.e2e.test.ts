import { afterEach, describe, expect, it } from "vitest";
import { createDeliverer, createDeliveryClient } from "../../src/outbox/index.js";
import { ACTION, recipientGoneHook, runReminderTick } from "../../src/reminders/index.js";
import {
  BERLIN,
  blockText,
  buttonsIn,
  clickReminder,
  clock,
  LEAD,
  START,
  startReminderBot,
  TOKYO,
} from "../reminders/helpers.js";
import type { TestBot } from "../support/bot.js";

const OTHER_ADMIN = "U0ADMIN2";
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function deliverWithHook(b: TestBot): Promise<void> {
  const deliverer = createDeliverer({
    store: b.deps.store,
    now: b.deps.now,
    client: createDeliveryClient("xoxb-test-token", b.fake.apiUrl),
    logger: b.deps.logger,
    pacing: { channel: { perSecond: 1000, burst: 1000 }, workspace: { perSecond: 1000, burst: 1000 } },
    lingerMs: 0,
    onRecipientGone: recipientGoneHook(b.deps),
  });
  await deliverer.drain();
  await deliverer.stop();
}

describe("a person deactivated after a campaign started (issue 8, item 21)", () => {
  it("is marked unreachable at the first user_disabled: no weekly reminders, no weekly notices", async () => {
    const time = clock(START);
    const b = await startReminderBot(time.now);
    bot = b;
    await b.command(`remind <@${BERLIN}|berlin> <@${TOKYO}|tokyo> claude chatgpt`, { user_id: LEAD });
    const berlinRows = async () =>
      (await b.deps.store.outbox.list({ limit: 500 })).filter((r) => r.channelId === BERLIN);
    expect((await berlinRows()).map((r) => r.status)).toEqual(["pending", "pending"]);

    // Berlin's account is deactivated before the first DM goes out.
    b.fake.inject(
      "chat.postMessage",
      { kind: "error", error: "user_disabled" },
      { channel: BERLIN, times: 10 },
    );
    await deliverWithHook(b);
    expect((await berlinRows()).map((r) => r.status).sort()).toEqual(["cancelled", "failed"]);
    const states = await b.deps.store.reminders.statesForUser("T0FAKE", BERLIN);
    expect(states.map((s) => s.nextAt)).toEqual([null, null]);
    expect(states.map((s) => s.state)).toEqual(["unreachable", "unreachable"]);
    expect(
      (await b.deps.store.reminders.statesForUser("T0FAKE", TOKYO)).every((s) => s.nextAt !== null),
    ).toBe(true);
    const audit = (await b.deps.store.audit.list("T0FAKE", 50)).filter(
      (a) => a.action === "reminders.unreachable",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatchObject({ error: "user_disabled", stoppedReminders: 2 });
    const notices = async () =>
      (await b.deps.store.outbox.list({ limit: 500 })).filter(
        (r) => r.kind === "notice" && r.channelId === LEAD,
      );
    const noticesBefore = (await notices()).length;

    // A week later (10:00 in Tokyo) the others are reminded; Berlin is not, and nobody hears about it again.
    time.set("2026-12-08T01:00:00Z");
    await runReminderTick(b.deps, time.now());
    await deliverWithHook(b);
    expect(await berlinRows()).toHaveLength(2);
    expect(await notices()).toHaveLength(noticesBefore);
    expect(b.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === TOKYO)).toHaveLength(2);
  });

  it("status counts them as unreachable (names for the own lead only); my-data shows it; forget-me deletes it", async () => {
    const time = clock(START);
    const b = await startReminderBot(time.now);
    bot = b;
    b.fake.addUser({ id: OTHER_ADMIN, tz: "Europe/London", is_admin: true });
    await b.command(`remind <@${BERLIN}|berlin> <@${TOKYO}|tokyo> claude`, { user_id: LEAD });
    // Berlin was deleted after the campaign started: Slack answers the DM with user_not_found.
    b.fake.inject("chat.postMessage", { kind: "error", error: "user_not_found" }, { channel: BERLIN });
    await deliverWithHook(b);
    expect((await b.deps.store.reminders.statesForUser("T0FAKE", BERLIN)).map((s) => s.state)).toEqual([
      "unreachable",
    ]);

    const own = blockText((await b.command("status claude", { user_id: LEAD })).body?.blocks);
    expect(own).toContain("unreachable: *1*");
    expect(own).toContain(`_unreachable:_ <@${BERLIN}>`);
    const other = blockText((await b.command("status claude", { user_id: OTHER_ADMIN })).body?.blocks);
    expect(other).toContain("unreachable: *1*");
    expect(other).not.toContain(BERLIN);

    // Reactivated, Berlin asks what is stored: the state is there, by name.
    const mine = blockText((await b.command("my-data", { user_id: BERLIN })).body?.blocks);
    expect(mine).toMatch(/Claude \(campaign \d+\): unreachable;/);

    const confirm = await b.command("forget-me", { user_id: BERLIN });
    const value = buttonsIn(confirm.body?.blocks as unknown[]).get(ACTION.forgetConfirm)!;
    await clickReminder(b, ACTION.forgetConfirm, value, BERLIN);
    expect(await b.deps.store.reminders.statesForUser("T0FAKE", BERLIN)).toEqual([]);
    const campaign = (await b.deps.store.reminders.listCampaigns({ providerId: "claude" }))[0]!;
    // Only an anonymous count stays, as for every other answer.
    expect(await b.deps.store.reminders.counts(campaign.id)).toMatchObject({ unreachable: 1, pending: 1 });
    const after = blockText((await b.command("status claude", { user_id: LEAD })).body?.blocks);
    expect(after).toContain("unreachable: *1*");
    expect(after).not.toContain(BERLIN);
  });
});
