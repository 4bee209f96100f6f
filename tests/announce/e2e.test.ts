import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addDays, calendarDate } from "../../src/announce/deadlines.js";
import { announcementJobs } from "../../src/announce/index.js";
import { createDeliverer, createDeliveryClient, formatOutboxReport } from "../../src/outbox/index.js";
import { startScheduler } from "../../src/scheduler/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { keyCounts, quietLogger, tempDbPath } from "./helpers.js";

/** End to end: signed slash commands → store → jobs → the one deliverer → loopback fake Slack. */

const NOW = new Date();
const TODAY = calendarDate(NOW, "UTC");
const DEADLINE = addDays(TODAY, 3);

function overlay(dbPath: string): string {
  const file = join(dirname(dbPath), "overlay.yaml");
  writeFileSync(
    file,
    [
      "providers:",
      "  - id: acme-ai",
      "    name: Acme AI",
      "    tiers: { covered: [Acme Free, Acme Plus] }",
      "    deadlines:",
      `      - { id: acme-opt-out, date: ${DEADLINE}, title: Last day to opt out of Acme training, detail: After this date chats are used. }`,
    ].join("\n"),
  );
  return file;
}

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

async function boot(fake: FakeSlack, dbPath: string) {
  const bot = await startTestBot({
    fake,
    databasePath: dbPath,
    now: () => NOW,
    env: { CATALOG_PATH: overlay(dbPath), ADMIN_USER_IDS: "ULEAD" },
  });
  bots.push(bot);
  const deliverer = createDeliverer({
    store: bot.deps.store,
    client: createDeliveryClient("xoxb-test", fake.apiUrl),
    logger: quietLogger(),
    backoff: { baseMs: 20, capMs: 200 },
  });
  const scheduler = startScheduler(
    bot.deps,
    announcementJobs(bot.deps, { deliverer }).map((j) => ({ ...j, cron: "0 0 1 1 *", runOnStart: false })),
  );
  return { bot, deliverer, scheduler };
}

const textOf = (body: Record<string, unknown> | undefined) => JSON.stringify(body ?? {});

describe("subscriptions and deadline announcements, end to end", () => {
  it("a lead subscribes; a non-lead is refused; the 3-day announcement goes out once per channel, also after a restart", async () => {
    const fake = new FakeSlack();
    await fake.start();
    fake.addUser({ id: "UBOB" });
    fake.addUser({ id: "UOWNER", is_owner: true });
    const dbPath = tempDbPath();
    try {
      const { bot, scheduler } = await boot(fake, dbPath);

      const refused = await bot.command("subscribe", { user_id: "UBOB", channel_id: "C1" });
      expect(textOf(refused.body)).toContain("Only team leads");
      expect(textOf(refused.body)).toContain("<@ULEAD>");

      const ok1 = await bot.command("subscribe acme deadlines", { user_id: "ULEAD", channel_id: "C1" });
      expect(textOf(ok1.body)).toContain("will get deadlines for *Acme AI*");
      // Workspace owners are leads too (users.info).
      const ok2 = await bot.command("subscribe all", { user_id: "UOWNER", channel_id: "C2" });
      expect(textOf(ok2.body)).toContain("every provider");
      const unknown = await bot.command("subscribe acmee-zzz-nope", { user_id: "ULEAD", channel_id: "C3" });
      expect(textOf(unknown.body)).toContain("I don't know");
      fake.channelErrors.set("CPRIV", "channel_not_found");
      const priv = await bot.command("subscribe all", { user_id: "ULEAD", channel_id: "CPRIV" });
      expect(textOf(priv.body)).toContain("/invite @ai-privacy");

      const list = await bot.command("subscriptions", { user_id: "UBOB", channel_id: "C2" });
      expect(textOf(list.body)).toContain("Every provider");
      expect(textOf(list.body)).toContain("<@UOWNER>");
      expect((await bot.deps.store.audit.list("T0FAKE", 10)).map((a) => [a.action, a.actorId])).toEqual([
        ["subscribe", "UOWNER"],
        ["subscribe", "ULEAD"],
      ]);

      await scheduler.runNow("announcements");
      await scheduler.runNow("outbox");
      await scheduler.stop();
      for (const channel of ["C1", "C2"]) {
        const msgs = fake.messagesIn(channel).filter((m) => m.text.includes("Acme AI"));
        expect(msgs.length, channel).toBe(1);
        expect(JSON.stringify(msgs[0]?.blocks)).toContain("in 3 days");
        expect(JSON.stringify(msgs[0]?.blocks)).toContain("Acme Free, Acme Plus");
        expect(JSON.stringify(msgs[0]?.blocks)).toContain("show_steps");
      }
      expect(fake.messagesIn("CPRIV").length).toBe(0);
      await bots.pop()?.stop();

      // Restart on the same database file: nothing is announced twice.
      const second = await boot(fake, dbPath);
      await second.scheduler.runNow("announcements");
      await second.scheduler.runNow("outbox");
      await second.scheduler.stop();
      expect([...keyCounts(fake).values()].every((n) => n === 1)).toBe(true);
      expect(fake.messages.filter((m) => m.text.includes("Acme AI")).length).toBe(2);
      expect(await formatOutboxReport(second.bot.deps.store)).toContain("sent 2");

      // Unsubscribing is lead-only and audited.
      const no = await second.bot.command("unsubscribe all", { user_id: "UBOB", channel_id: "C1" });
      expect(textOf(no.body)).toContain("Only team leads");
      const yes = await second.bot.command("unsubscribe acme", { user_id: "ULEAD", channel_id: "C1" });
      expect(textOf(yes.body)).toContain("no longer gets announcements");
      expect(await second.bot.deps.store.subscriptions.listForChannel("T0FAKE", "C1")).toEqual([]);
      expect((await second.bot.deps.store.audit.list("T0FAKE", 1))[0]).toMatchObject({
        action: "unsubscribe",
        actorId: "ULEAD",
      });
    } finally {
      for (const b of bots.splice(0)) await b.stop();
      await fake.stop();
    }
  });

  it("the announcement's buttons: steps privately for the clicker, and a personal reminder through the outbox", async () => {
    const fake = new FakeSlack();
    await fake.start();
    fake.addUser({ id: "UBOB", tz: "Europe/Berlin" });
    const dbPath = tempDbPath();
    try {
      const { bot } = await boot(fake, dbPath);
      const steps = await bot.click({
        actionId: "show_steps",
        value: "claude",
        userId: "UBOB",
        channelId: "C1",
      });
      const [answer] = bot.responsesTo(steps.responseUrl);
      expect(answer?.response_type).toBe("ephemeral");
      expect(JSON.stringify(answer)).toContain("Help improve Claude");

      const remind = await bot.click({
        actionId: "remind_me",
        value: "claude",
        userId: "UBOB",
        channelId: "C1",
      });
      expect(JSON.stringify(bot.responsesTo(remind.responseUrl)[0])).toContain("remind you about *Claude*");
      await bot.click({ actionId: "remind_me", value: "claude", userId: "UBOB", channelId: "C1" });
      const rows = (await bot.deps.store.outbox.list({ status: "pending" })).filter(
        (r) => r.kind === "remind-me",
      );
      expect(rows.length).toBe(1);
      expect(rows[0]).toMatchObject({ channelId: "UBOB" });
      // 09:30 in Berlin on a working day, in the future (the same morning a reminder snooze picks).
      expect(rows[0]!.nextAttemptAt.getTime()).toBeGreaterThan(NOW.getTime());
      expect([7, 8]).toContain(rows[0]!.nextAttemptAt.getUTCHours());
      expect(rows[0]!.nextAttemptAt.getUTCMinutes()).toBe(30);
    } finally {
      for (const b of bots.splice(0)) await b.stop();
      await fake.stop();
    }
  });
});
