import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CatalogError, loadCatalog, makeCatalog, type Provider } from "../../src/catalog/index.js";
import { parseConfig } from "../../src/config.js";
import { requestRecheck, runReminderTick } from "../../src/reminders/index.js";
import { renderReminder } from "../../src/reminders/messages.js";
import type { Store } from "../../src/store/index.js";
import { openTestStore } from "../support/store.js";

/** Tuesday, 10:00 in Berlin: working hours. */
const NOW = new Date("2026-12-01T09:00:00Z");
const config = parseConfig({
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5",
});
let store: Store;
afterEach(() => store?.close());

async function campaignFor(providerId: string, people: number, leadId: string) {
  const c = await store.reminders.createCampaign({
    teamId: "T1",
    leadId,
    channelId: "C1",
    providerId,
    deadline: null,
    now: NOW,
  });
  await store.reminders.addPeople(
    c.id,
    Array.from({ length: people }, (_, i) => ({
      userId: `U${providerId.toUpperCase()}${i}`,
      tz: "Europe/Berlin",
      nextAt: NOW,
    })),
    NOW,
  );
  return c;
}

describe("each person's reminder is its own unit of work (issue 8, item 18)", () => {
  it("one reminder that cannot be built is recorded and reported once; the 50 healthy ones go out", async () => {
    store = await openTestStore();
    const builtin = loadCatalog();
    const claude = builtin.byId("claude")!;
    // A provider whose data makes rendering throw (what a bad overlay entry did to the whole batch).
    const broken = { ...claude, id: "broken", name: "Broken" } as Provider;
    Object.defineProperty(broken, "optOut", {
      get() {
        throw new Error("steps unreadable");
      },
    });
    const catalog = makeCatalog([claude, broken]);
    const bad = await campaignFor("broken", 2, "ULEADB");
    const good = await campaignFor("claude", 50, "ULEADA");

    const first = await runReminderTick({ store, catalog, config }, NOW);
    expect(first).toMatchObject({ sent: 50, failed: 2 });
    const rows = await store.outbox.list({ limit: 500 });
    expect(rows.filter((r) => r.kind === "reminder")).toHaveLength(50);
    const notices = rows.filter((r) => r.kind === "notice");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channelId: "ULEADB" });
    expect(JSON.stringify(notices[0]?.payload.blocks)).toContain("steps unreadable");
    expect(
      (await store.audit.list("T1", 50))
        .filter((a) => a.action === "reminder-failed")
        .map((a) => (a.detail as { campaignId: number }).campaignId),
    ).toEqual([bad.id, bad.id]);
    expect((await store.reminders.counts(good.id)).pending).toBe(50);

    // The next tick neither retries the broken ones nor reports them again.
    const second = await runReminderTick({ store, catalog, config }, new Date(NOW.getTime() + 300_000));
    expect(second).toMatchObject({ sent: 0, failed: 0 });
    expect((await store.outbox.list({ limit: 500 })).filter((r) => r.kind === "notice")).toHaveLength(1);
  });
});

describe("re-checks are per person too (issue 8, item 18)", () => {
  it("one re-check that cannot be built does not hold up the others", async () => {
    store = await openTestStore();
    const claude = loadCatalog().byId("claude")!;
    // Fails the first time its steps are read, then works: one person's message fails, not the batch.
    let reads = 0;
    const flaky = { ...claude } as Provider;
    Object.defineProperty(flaky, "optOut", {
      get() {
        reads += 1;
        if (reads === 1) throw new Error("steps unreadable");
        return claude.optOut;
      },
    });
    const catalog = makeCatalog([flaky]);
    const c = await campaignFor("claude", 3, "ULEAD");
    for (const s of await store.reminders.statesForCampaign(c.id))
      await store.reminders.transition(
        s.id,
        "pending",
        { state: "done", answeredAt: NOW, nextAt: null },
        NOW,
      );
    const asked = await requestRecheck(
      { store, catalog, config },
      { providerId: "claude", reason: "Anthropic changed its terms.", now: NOW },
    );
    expect(asked).toBe(2);
    expect(
      (await store.outbox.list({ limit: 50 })).filter((r) => r.kind === "reminder-recheck"),
    ).toHaveLength(2);
    expect((await store.audit.list("T1", 50)).filter((a) => a.action === "reminder-failed")).toHaveLength(1);
  });
});

describe("provider names with Slack markup (issue 8, item 18)", () => {
  it("are refused at catalog load with the file and the path", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "aipb-evil-")), "overlay.yaml");
    writeFileSync(file, 'providers:\n  - id: evil\n    name: "<!channel> Evil"\n    aliases: ["<@U123>"]\n');
    let problems: string[] = [];
    try {
      loadCatalog({ overlayPath: file });
    } catch (err) {
      if (err instanceof CatalogError) problems = err.problems;
      else throw err;
    }
    expect(problems).toEqual([
      `${file}: providers[0].name: must not contain < or >: Slack would read <!channel> or <@U…> in it as a ping or a link`,
      `${file}: providers[0].aliases[0]: must not contain < or >: Slack would read <!channel> or <@U…> in it as a ping or a link`,
    ]);
  });

  it("are escaped in the notification text too, when a catalog is built in code", async () => {
    const claude = loadCatalog().byId("claude")!;
    const evil = { ...claude, name: "<!channel> Evil" };
    const state = {
      id: 1,
      campaignId: 1,
      teamId: "T1",
      userId: "U1",
      providerId: "claude",
      state: "pending" as const,
      account: 1,
      plan: null,
      tz: null,
      nextAt: null,
      snoozedUntil: null,
      sends: 0,
      lastSentAt: null,
      answeredAt: null,
      updatedAt: NOW,
    };
    const campaign = {
      id: 1,
      teamId: "T1",
      leadId: "ULEAD",
      channelId: "C1",
      providerId: "claude",
      deadline: null,
      recheck: true,
      status: "open" as const,
      createdAt: NOW,
      closedAt: null,
      lastDigestAt: null,
    };
    const message = renderReminder({ provider: evil, state, campaign, today: "2026-12-01", variant: "ask" });
    expect(message.text).toBe("Please switch off training on your &lt;!channel&gt; Evil chats");
  });
});

describe("one 'today' for reminder DMs (issue 8, item 16)", () => {
  it("counts 'in N days' to the deadline in DEFAULT_TIMEZONE, not in the person's zone", async () => {
    store = await openTestStore();
    // 20:00 UTC on Tue 1 Dec is 10:00 on Wed 2 Dec in Kiritimati (UTC+14): working hours there.
    const now = new Date("2026-12-01T20:00:00Z");
    const c = await store.reminders.createCampaign({
      teamId: "T1",
      leadId: "ULEAD",
      channelId: "C1",
      providerId: "claude",
      deadline: "2026-12-04",
      now,
    });
    await store.reminders.addPeople(c.id, [{ userId: "UKIRI", tz: "Pacific/Kiritimati", nextAt: now }], now);
    expect(await runReminderTick({ store, catalog: loadCatalog(), config }, now)).toMatchObject({ sent: 1 });
    const [row] = (await store.outbox.list({ limit: 5 })).filter((r) => r.kind === "reminder");
    expect(JSON.stringify(row?.payload.blocks)).toContain("4 Dec 2026 (in 3 days)");
  });
});
