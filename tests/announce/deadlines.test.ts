import { describe, expect, it } from "vitest";
import {
  type CalendarEvent,
  calendarDate,
  currentLead,
  planDeadlineAnnouncements,
  upcomingAnnouncements,
} from "../../src/announce/deadlines.js";
import type { Subscription } from "../../src/store/index.js";

const LEADS = [14, 7, 3, 1, 0];

const event = (date: string, over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  providerId: "claude",
  providerName: "Claude",
  id: "opt-out",
  date,
  title: "Deadline to choose",
  kind: "deadline",
  ...over,
});

let nextId = 1;
const sub = (over: Partial<Subscription> = {}): Subscription => ({
  id: nextId++,
  teamId: "T1",
  channelId: "C1",
  providerId: "*",
  kinds: ["deadlines", "changes", "catalog"],
  createdBy: "ULEAD",
  createdAt: new Date("2026-01-01T00:00:00Z"),
  pausedAt: null,
  pausedReason: null,
  ...over,
});

const plan = (now: string, events: CalendarEvent[], subs: Subscription[], timeZone = "UTC") =>
  planDeadlineAnnouncements({ events, subscriptions: subs, leadDays: LEADS, now: new Date(now), timeZone });

describe("currentLead", () => {
  it("is the smallest lead time at or above the days left", async () => {
    expect(currentLead(14, LEADS)).toBe(14);
    expect(currentLead(10, LEADS)).toBe(14);
    expect(currentLead(7, LEADS)).toBe(7);
    expect(currentLead(2, LEADS)).toBe(3);
    expect(currentLead(0, LEADS)).toBe(0);
    expect(currentLead(15, LEADS)).toBeUndefined();
    expect(currentLead(-1, LEADS)).toBeUndefined();
  });
});

describe("planDeadlineAnnouncements", () => {
  it("plans the 3-day announcement 3 days out, keyed by event, lead and channel", async () => {
    const planned = plan(
      "2026-12-07T10:00:00Z",
      [event("2026-12-10")],
      [sub({ channelId: "C1" }), sub({ channelId: "C2" })],
    );
    expect(planned.map((p) => p.key)).toEqual([
      "deadline:claude/opt-out:3:C1",
      "deadline:claude/opt-out:3:C2",
    ]);
    expect(planned[0]).toMatchObject({ lead: 3, daysUntil: 3, today: "2026-12-07", notifyUserId: "ULEAD" });
  });

  it("after downtime plans only the most recent missed lead, not a burst", async () => {
    // Down from 20 days before until 2 days before: 14, 7 and 3 were all missed; only 3 is sent.
    const planned = plan("2026-12-08T10:00:00Z", [event("2026-12-10")], [sub()]);
    expect(planned.map((p) => p.lead)).toEqual([3]);
    expect(planned[0]?.daysUntil).toBe(2);
  });

  it("keeps the same key between lead times, so repeated runs add nothing", async () => {
    const a = plan("2026-12-04T01:00:00Z", [event("2026-12-10")], [sub({ id: 1 })]);
    const b = plan("2026-12-05T23:00:00Z", [event("2026-12-10")], [sub({ id: 1 })]);
    expect(a[0]?.key).toBe("deadline:claude/opt-out:7:C1");
    expect(b[0]?.key).toBe(a[0]?.key);
  });

  it("gives a channel that subscribes 2 days before the current lead's message", async () => {
    const late = sub({ createdAt: new Date("2026-12-08T09:00:00Z") });
    expect(plan("2026-12-08T09:05:00Z", [event("2026-12-10")], [late]).map((p) => p.key)).toEqual([
      "deadline:claude/opt-out:3:C1",
    ]);
  });

  it("never announces past events, and nothing before the first lead", async () => {
    expect(plan("2026-12-11T00:00:00Z", [event("2026-12-10")], [sub()])).toEqual([]);
    expect(plan("2026-11-20T00:00:00Z", [event("2026-12-10")], [sub()])).toEqual([]);
    expect(plan("2026-12-10T23:59:59Z", [event("2026-12-10")], [sub()]).map((p) => p.lead)).toEqual([0]);
  });

  it("respects provider filters, kinds and pauses, and announces once per channel", async () => {
    const subs = [
      sub({ channelId: "CALL" }),
      sub({ channelId: "CALL", providerId: "claude" }),
      sub({ channelId: "CGPT", providerId: "chatgpt" }),
      sub({ channelId: "CCAT", kinds: ["catalog"] }),
      sub({
        channelId: "CPAUSED",
        pausedAt: new Date("2026-12-01T00:00:00Z"),
        pausedReason: "channel_not_found",
      }),
      sub({ channelId: "CCLAUDE", providerId: "claude", kinds: ["deadlines"] }),
    ];
    const planned = plan("2026-12-07T10:00:00Z", [event("2026-12-10")], subs);
    expect(planned.map((p) => p.channelId)).toEqual(["CALL", "CCLAUDE"]);
  });

  describe("lead-day boundaries follow DEFAULT_TIMEZONE", () => {
    it("UTC: one second before midnight is still 4 days out; at midnight it is 3", async () => {
      expect(plan("2026-12-06T23:59:59Z", [event("2026-12-10")], [sub()]).map((p) => p.lead)).toEqual([7]);
      expect(plan("2026-12-07T00:00:00Z", [event("2026-12-10")], [sub()]).map((p) => p.lead)).toEqual([3]);
    });

    it("Europe/Berlin: 23:30 UTC is already the next day (UTC+1 in December)", async () => {
      expect(
        plan("2026-12-06T22:59:59Z", [event("2026-12-10")], [sub()], "Europe/Berlin").map((p) => p.lead),
      ).toEqual([7]);
      const planned = plan("2026-12-06T23:00:00Z", [event("2026-12-10")], [sub()], "Europe/Berlin");
      expect(planned.map((p) => [p.lead, p.today])).toEqual([[3, "2026-12-07"]]);
    });

    it("America/Los_Angeles: 05:00 UTC is still the previous evening", async () => {
      expect(
        plan("2026-12-07T05:00:00Z", [event("2026-12-10")], [sub()], "America/Los_Angeles").map(
          (p) => p.lead,
        ),
      ).toEqual([7]);
      expect(
        plan("2026-12-07T08:00:00Z", [event("2026-12-10")], [sub()], "America/Los_Angeles").map(
          (p) => p.lead,
        ),
      ).toEqual([3]);
    });

    it("Pacific/Kiritimati (UTC+14): the deadline day starts 14 hours before UTC's", async () => {
      expect(
        plan("2026-12-09T10:00:00Z", [event("2026-12-10")], [sub()], "Pacific/Kiritimati").map((p) => p.lead),
      ).toEqual([0]);
      expect(plan("2026-12-10T10:00:00Z", [event("2026-12-10")], [sub()], "Pacific/Kiritimati")).toEqual([]);
    });

    it("counts calendar days across a DST change (23-hour day)", async () => {
      // Europe/Berlin springs forward on 2027-03-28.
      expect(
        plan("2027-03-27T23:30:00Z", [event("2027-03-31")], [sub()], "Europe/Berlin").map((p) => p.daysUntil),
      ).toEqual([3]);
    });
  });
});

describe("upcomingAnnouncements", () => {
  it("lists today's current lead and each later lead on its day", async () => {
    const rows = upcomingAnnouncements({
      events: [event("2026-12-10")],
      subscriptions: [sub({ channelId: "C2" }), sub({ channelId: "C1" })],
      leadDays: LEADS,
      now: new Date("2026-12-05T12:00:00Z"),
      timeZone: "UTC",
    });
    expect(rows.map((r) => [r.on, r.lead])).toEqual([
      ["2026-12-05", 7],
      ["2026-12-07", 3],
      ["2026-12-09", 1],
      ["2026-12-10", 0],
    ]);
    expect(rows[0]?.channels).toEqual(["C1", "C2"]);
  });
});

describe("time helpers", () => {
  it("calendarDate is the local date", async () => {
    expect(calendarDate(new Date("2026-12-06T23:30:00Z"), "Europe/Berlin")).toBe("2026-12-07");
    expect(calendarDate(new Date("2026-12-06T23:30:00Z"), "UTC")).toBe("2026-12-06");
  });
});
