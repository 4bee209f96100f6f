import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/index.js";
import { migrateSqlite } from "../../src/store/kysely/migration.js";
import { MIGRATIONS } from "../../src/store/kysely/migrations/index.js";
import { openTestStore } from "../support/store.js";

const now = new Date("2026-12-01T10:00:00Z");
let store: Store;
afterEach(() => store?.close());

describe("reminder repository (SQLite)", () => {
  it("creates campaigns, adds people once, and transitions only from the expected state", async () => {
    store = await openTestStore();
    const c = await store.reminders.createCampaign({
      teamId: "T1",
      leadId: "ULEAD",
      channelId: "C1",
      providerId: "claude",
      deadline: "2026-12-20",
      now,
    });
    expect(c).toMatchObject({ status: "open", recheck: true, deadline: "2026-12-20" });
    expect(
      await store.reminders.addPeople(
        c.id,
        [
          { userId: "U1", tz: "Asia/Tokyo", nextAt: now },
          { userId: "U2", tz: null, nextAt: now },
        ],
        now,
      ),
    ).toBe(2);
    expect(await store.reminders.addPeople(c.id, [{ userId: "U1", tz: null, nextAt: now }], now)).toBe(0);
    expect(await store.reminders.askedInOpenCampaigns("T1", "claude")).toEqual(new Set(["U1", "U2"]));
    const [s1] = await store.reminders.statesForCampaign(c.id);
    expect(
      await store.reminders.transition(
        s1!.id,
        "pending",
        { state: "done", answeredAt: now, nextAt: null },
        now,
      ),
    ).toBe(true);
    expect(await store.reminders.transition(s1!.id, "pending", { state: "not_using" }, now)).toBe(false);
    expect(await store.reminders.counts(c.id)).toEqual({
      done: 1,
      not_using: 0,
      snoozed: 0,
      pending: 1,
      unreachable: 0,
      not_affected: 0,
    });
    expect((await store.reminders.due(now, 10)).map((s) => s.userId)).toEqual(["U2"]);
    await store.reminders.closeCampaign(c.id, now);
    expect(await store.reminders.due(now, 10)).toEqual([]);
    expect((await store.reminders.askedInOpenCampaigns("T1", "claude")).size).toBe(0);
  });

  it("forgetting a person keeps only anonymous counts; purge drops old closed campaigns", async () => {
    store = await openTestStore();
    const c = await store.reminders.createCampaign({
      teamId: "T1",
      leadId: "U1",
      channelId: "C1",
      providerId: "claude",
      deadline: null,
      now,
    });
    await store.reminders.addPeople(c.id, [{ userId: "U1", tz: null, nextAt: now }], now);
    await store.reminders.setTools("T1", "U1", ["claude", "chatgpt"], now);
    const result = await store.reminders.forgetPerson("T1", "U1", now);
    expect(result).toMatchObject({ states: 1, tools: 2, campaignsAnonymised: 1 });
    expect(await store.reminders.statesForUser("T1", "U1")).toEqual([]);
    expect((await store.reminders.counts(c.id)).pending).toBe(1);
    await store.reminders.closeCampaign(c.id, now);
    expect(await store.reminders.purgeClosedBefore(new Date(now.getTime() - 1))).toBe(0);
    expect(await store.reminders.purgeClosedBefore(new Date(now.getTime() + 1))).toBe(1);
    expect(await store.reminders.getCampaign(c.id)).toBeUndefined();
  });
});

describe("migration 7: the 'unreachable' state", () => {
  it("keeps every reminder state of a version-5 database and accepts the new state", async () => {
    const db = new Database(":memory:");
    // As the release before migration 6 left a file: 1–5 applied, recorded only in PRAGMA user_version.
    for (const m of MIGRATIONS.slice(0, 5)) db.exec(m.sqlite);
    db.pragma("user_version = 5");
    db.prepare(
      "INSERT INTO reminder_campaigns (team_id, lead_id, channel_id, provider_id, created_at) VALUES ('T1', 'UL', 'C1', 'claude', '2026-12-01T00:00:00.000Z')",
    ).run();
    db.prepare(
      "INSERT INTO reminder_states (campaign_id, team_id, user_id, provider_id, state, next_at, sends, updated_at) VALUES (1, 'T1', 'U1', 'claude', 'snoozed', '2026-12-02T09:00:00.000Z', 2, '2026-12-01T00:00:00.000Z')",
    ).run();
    expect(() => db.prepare("UPDATE reminder_states SET state = 'unreachable'").run()).toThrow(
      /CHECK constraint/,
    );
    expect(migrateSqlite(db, MIGRATIONS, new Date())).toMatchObject({
      applied: expect.arrayContaining([6, 7]),
      adopted: [1, 2, 3, 4, 5],
    });
    expect(db.prepare("SELECT user_id, state, next_at, sends FROM reminder_states").all()).toEqual([
      { user_id: "U1", state: "snoozed", next_at: "2026-12-02T09:00:00.000Z", sends: 2 },
    ]);
    db.prepare("UPDATE reminder_states SET state = 'unreachable', next_at = NULL").run();
    expect(db.prepare("SELECT state FROM reminder_states").pluck().get()).toBe("unreachable");
    expect(() => db.prepare("UPDATE reminder_states SET state = 'bogus'").run()).toThrow(/CHECK constraint/);
    db.close();
  });
});
