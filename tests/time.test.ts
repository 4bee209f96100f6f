import { describe, expect, it } from "vitest";
import {
  endOfDay,
  inWorkingHours,
  localTime,
  nextReminderAt,
  nextWorkingMorning,
  nextWorkingTime,
  zonedToUtc,
  zoneOrFallback,
} from "../src/time/index.js";

const at = (iso: string) => new Date(iso);

describe("wall-clock time in a person's zone", () => {
  it("converts local 09:30 to UTC on both sides of DST changes", () => {
    expect(
      zonedToUtc({ year: 2026, month: 10, day: 23, hour: 9, minute: 30 }, "Europe/Berlin").toISOString(),
    ).toBe("2026-10-23T07:30:00.000Z");
    expect(
      zonedToUtc({ year: 2026, month: 10, day: 26, hour: 9, minute: 30 }, "Europe/Berlin").toISOString(),
    ).toBe("2026-10-26T08:30:00.000Z");
    expect(
      zonedToUtc({ year: 2026, month: 3, day: 9, hour: 9, minute: 30 }, "America/New_York").toISOString(),
    ).toBe("2026-03-09T13:30:00.000Z");
    expect(
      zonedToUtc({ year: 2026, month: 3, day: 6, hour: 9, minute: 30 }, "America/New_York").toISOString(),
    ).toBe("2026-03-06T14:30:00.000Z");
    expect(localTime(at("2026-12-01T00:30:00Z"), "Asia/Tokyo")).toMatchObject({
      day: 1,
      hour: 9,
      minute: 30,
      weekday: 2,
    });
  });

  it("snoozes to the next working morning at 09:30 local (Tokyo, New York, Berlin), skipping weekends", () => {
    // Tuesday 10:00 in Tokyo → Wednesday 09:30 JST.
    expect(nextWorkingMorning(at("2026-12-01T01:00:00Z"), "Asia/Tokyo").toISOString()).toBe(
      "2026-12-02T00:30:00.000Z",
    );
    // Tuesday 08:00 in New York (before 09:30) → the same morning.
    expect(nextWorkingMorning(at("2026-12-01T13:00:00Z"), "America/New_York").toISOString()).toBe(
      "2026-12-01T14:30:00.000Z",
    );
    // Friday 16:00 in Berlin → Monday 09:30 CET.
    expect(nextWorkingMorning(at("2026-12-04T15:00:00Z"), "Europe/Berlin").toISOString()).toBe(
      "2026-12-07T08:30:00.000Z",
    );
  });

  it("lands at 09:30 local across a DST change over the weekend", () => {
    // Berlin: Friday 23 Oct 2026 16:00 CEST; clocks go back on Sunday 25 Oct → Monday 09:30 CET = 08:30Z.
    expect(nextWorkingMorning(at("2026-10-23T14:00:00Z"), "Europe/Berlin").toISOString()).toBe(
      "2026-10-26T08:30:00.000Z",
    );
    // New York: Friday 30 Oct 2026 15:00 EDT; clocks go back on Sunday 1 Nov → Monday 09:30 EST = 14:30Z.
    expect(nextWorkingMorning(at("2026-10-30T19:00:00Z"), "America/New_York").toISOString()).toBe(
      "2026-11-02T14:30:00.000Z",
    );
    // New York spring forward: Friday 6 Mar 2026 → Monday 9 Mar 09:30 EDT = 13:30Z.
    expect(nextWorkingMorning(at("2026-03-06T20:00:00Z"), "America/New_York").toISOString()).toBe(
      "2026-03-09T13:30:00.000Z",
    );
  });

  it("gives every instant of one second the same local time, and the next second its own", () => {
    const midnightTokyo = { year: 2026, month: 12, day: 3, hour: 0, minute: 0, second: 0, weekday: 4 };
    // First asked at the end of the second, then at its start: the answer is the second's, not the instant's.
    expect(localTime(at("2026-12-02T14:59:59.999Z"), "Asia/Tokyo")).toEqual({
      ...midnightTokyo,
      day: 2,
      hour: 23,
      minute: 59,
      second: 59,
      weekday: 3,
    });
    expect(localTime(at("2026-12-02T15:00:00.999Z"), "Asia/Tokyo")).toEqual(midnightTokyo);
    expect(localTime(at("2026-12-02T15:00:00.000Z"), "Asia/Tokyo")).toEqual(midnightTokyo);
    // Before 1970 too (negative epoch milliseconds round down to their own second).
    expect(localTime(at("1969-12-31T23:59:59.500Z"), "UTC")).toMatchObject({
      year: 1969,
      hour: 23,
      second: 59,
    });
    expect(localTime(at("1970-01-01T00:00:00.000Z"), "UTC")).toMatchObject({
      year: 1970,
      hour: 0,
      second: 0,
    });
  });

  it("knows working hours (09:30–17:30, Monday–Friday) and falls back for unknown zones", () => {
    expect(inWorkingHours(at("2026-12-01T08:30:00Z"), "Europe/Berlin")).toBe(true);
    expect(inWorkingHours(at("2026-12-01T08:29:00Z"), "Europe/Berlin")).toBe(false);
    expect(inWorkingHours(at("2026-12-01T16:30:00Z"), "Europe/Berlin")).toBe(false);
    expect(inWorkingHours(at("2026-12-05T10:00:00Z"), "Europe/Berlin")).toBe(false);
    expect(nextWorkingTime(at("2026-12-01T10:00:00Z"), "Europe/Berlin").toISOString()).toBe(
      "2026-12-01T10:00:00.000Z",
    );
    expect(zoneOrFallback("Not/AZone", "UTC")).toBe("UTC");
    expect(zoneOrFallback(null, "Europe/Berlin")).toBe("Europe/Berlin");
    expect(endOfDay("2026-12-31", "Asia/Tokyo").toISOString()).toBe("2026-12-31T15:00:00.000Z");
  });
});

describe("reminder cadence", () => {
  const tz = "Europe/Berlin";
  it("repeats weekly at 09:30 local, then daily in the last 3 days, and never after the deadline", () => {
    // Sent Tuesday 1 Dec; no deadline → Tuesday 8 Dec 09:30.
    expect(nextReminderAt(at("2026-12-01T09:00:00Z"), null, tz)?.toISOString()).toBe(
      "2026-12-08T08:30:00.000Z",
    );
    // Deadline Friday 18 Dec: weekly from 1 Dec is 8 Dec (before the window 16–18 Dec).
    expect(nextReminderAt(at("2026-12-01T09:00:00Z"), "2026-12-18", tz)?.toISOString()).toBe(
      "2026-12-08T08:30:00.000Z",
    );
    // From 8 Dec the weekly one (15 Dec) is before the window too; from 15 Dec the next is daily 16 Dec.
    expect(nextReminderAt(at("2026-12-08T08:30:00Z"), "2026-12-18", tz)?.toISOString()).toBe(
      "2026-12-15T08:30:00.000Z",
    );
    expect(nextReminderAt(at("2026-12-15T08:30:00Z"), "2026-12-18", tz)?.toISOString()).toBe(
      "2026-12-16T08:30:00.000Z",
    );
    expect(nextReminderAt(at("2026-12-16T08:30:00Z"), "2026-12-18", tz)?.toISOString()).toBe(
      "2026-12-17T08:30:00.000Z",
    );
    expect(nextReminderAt(at("2026-12-17T08:30:00Z"), "2026-12-18", tz)?.toISOString()).toBe(
      "2026-12-18T08:30:00.000Z",
    );
    expect(nextReminderAt(at("2026-12-18T08:30:00Z"), "2026-12-18", tz)).toBeNull();
    // A weekly step that would jump over the window lands on its first working day instead.
    expect(nextReminderAt(at("2026-12-10T08:30:00Z"), "2026-12-18", tz)?.toISOString()).toBe(
      "2026-12-16T08:30:00.000Z",
    );
  });
});
