import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../../src/store/index.js";

const now = new Date("2026-12-01T10:00:00Z");
let store: Store;
afterEach(() => store?.close());

describe("reminder repository (SQLite)", () => {
  it("creates campaigns, adds people once, and transitions only from the expected state", () => {
    store = openSqliteStore(":memory:");
    const c = store.reminders.createCampaign({
      teamId: "T1",
      leadId: "ULEAD",
      channelId: "C1",
      providerId: "claude",
      deadline: "2026-12-20",
      now,
    });
    expect(c).toMatchObject({ status: "open", recheck: true, deadline: "2026-12-20" });
    expect(
      store.reminders.addPeople(
        c.id,
        [
          { userId: "U1", tz: "Asia/Tokyo", nextAt: now },
          { userId: "U2", tz: null, nextAt: now },
        ],
        now,
      ),
    ).toBe(2);
    expect(store.reminders.addPeople(c.id, [{ userId: "U1", tz: null, nextAt: now }], now)).toBe(0);
    expect(store.reminders.askedInOpenCampaigns("T1", "claude")).toEqual(new Set(["U1", "U2"]));
    const [s1] = store.reminders.statesForCampaign(c.id);
    expect(
      store.reminders.transition(s1!.id, "pending", { state: "done", answeredAt: now, nextAt: null }, now),
    ).toBe(true);
    expect(store.reminders.transition(s1!.id, "pending", { state: "not_using" }, now)).toBe(false);
    expect(store.reminders.counts(c.id)).toEqual({ done: 1, not_using: 0, snoozed: 0, pending: 1 });
    expect(store.reminders.due(now, 10).map((s) => s.userId)).toEqual(["U2"]);
    store.reminders.closeCampaign(c.id, now);
    expect(store.reminders.due(now, 10)).toEqual([]);
    expect(store.reminders.askedInOpenCampaigns("T1", "claude").size).toBe(0);
  });

  it("forgetting a person keeps only anonymous counts; purge drops old closed campaigns", () => {
    store = openSqliteStore(":memory:");
    const c = store.reminders.createCampaign({
      teamId: "T1",
      leadId: "U1",
      channelId: "C1",
      providerId: "claude",
      deadline: null,
      now,
    });
    store.reminders.addPeople(c.id, [{ userId: "U1", tz: null, nextAt: now }], now);
    store.reminders.setTools("T1", "U1", ["claude", "chatgpt"], now);
    const result = store.reminders.forgetPerson("U1", now);
    expect(result).toMatchObject({ states: 1, tools: 2, campaignsAnonymised: 1 });
    expect(store.reminders.statesForUser("U1")).toEqual([]);
    expect(store.reminders.counts(c.id).pending).toBe(1);
    store.reminders.closeCampaign(c.id, now);
    expect(store.reminders.purgeClosedBefore(new Date(now.getTime() - 1))).toBe(0);
    expect(store.reminders.purgeClosedBefore(new Date(now.getTime() + 1))).toBe(1);
    expect(store.reminders.getCampaign(c.id)).toBeUndefined();
  });
});
