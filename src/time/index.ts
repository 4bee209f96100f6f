import { z } from "zod";

/**
 * Wall-clock arithmetic in a person's own time zone, DST-correct, with nothing but Intl.DateTimeFormat:
 * "09:30 on the next working day in Asia/Tokyo" becomes one UTC instant. Pure: every function takes the
 * time it reasons about.
 */

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** Reminders land at 09:30 on working days and only inside 09:30–17:30, Monday to Friday, local time. */
export const WORKING_DAY = { startMinute: 9 * 60 + 30, endMinute: 17 * 60 + 30 } as const;
/** Daily reminders in the last days before a deadline: the deadline day and the two days before it. */
export const DAILY_WINDOW_DAYS = 3;
export const WEEK_DAYS = 7;

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** A usable IANA zone: the person's own when Slack gave a valid one, else the fallback. */
export function zoneOrFallback(tz: string | null | undefined, fallback: string): string {
  if (!tz) return fallback;
  try {
    formatter(tz);
    return tz;
  } catch {
    return fallback;
  }
}

/** formatToParts is the slow part of every calculation, and a batch asks it about the same instants. */
const memo = new Map<string, LocalTime>();
const MEMO_SIZE = 10_000;

export function localTime(at: Date, tz: string): LocalTime {
  // Keyed by the whole second: the answer has no milliseconds (every zone offset in the tz database is whole
  // seconds), so every instant of one second has the same local time, and requests arriving in the same
  // second share one formatToParts.
  const key = `${tz}|${Math.floor(at.getTime() / 1000)}`;
  const hit = memo.get(key);
  if (hit) return { ...hit };
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(at)) parts[p.type] = p.value;
  const local: LocalTime = {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? 0,
  };
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, local);
  return { ...local };
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetAt(ms: number, tz: string): number {
  const l = localTime(new Date(ms), tz);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a local wall-clock time happens in a zone (a time skipped by DST moves forward by the gap). */
export function zonedToUtc(local: LocalDate & { hour: number; minute: number }, tz: string): Date {
  const guess = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  return new Date(second);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export const isoDate = (d: LocalDate): string =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/**
 * A real calendar date as YYYY-MM-DD: zod's ISO date checks month lengths and leap years, so
 * `2027-02-30` and `2026-13-45` are refused (https://zod.dev/api#iso-dates). Every date a person or an
 * operator types goes through this one schema.
 */
export const CalendarDateSchema = z.iso.date({
  error: (issue) =>
    typeof issue.input === "string" && /^\d{4}-\d{2}-\d{2}$/.test(issue.input)
      ? `${issue.input} is not a real calendar date`
      : "expected a date as YYYY-MM-DD",
});

/** The reason a text is not a calendar date, or undefined when it is one. */
export function calendarDateProblem(text: string): string | undefined {
  const parsed = CalendarDateSchema.safeParse(text);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? "expected a date as YYYY-MM-DD");
}

export function parseIsoDate(date: string): LocalDate {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  return { year, month, day };
}

const weekdayOf = (d: LocalDate): number => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
const isWorkday = (d: LocalDate): boolean => weekdayOf(d) >= 1 && weekdayOf(d) <= 5;

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(at: Date, tz: string): string {
  return isoDate(localTime(at, tz));
}

/**
 * "Today" for everything the bot says about days ("in 3 days", "the deadline is in the past", which
 * deadlines are upcoming): the calendar date in the workspace's DEFAULT_TIMEZONE, never UTC by accident.
 */
export function workspaceToday(now: Date, config: { DEFAULT_TIMEZONE: string }): string {
  return localDateOf(now, config.DEFAULT_TIMEZONE);
}

/** 09:30 local on that calendar date. */
export function morningOf(date: LocalDate, tz: string): Date {
  return zonedToUtc(
    { ...date, hour: Math.floor(WORKING_DAY.startMinute / 60), minute: WORKING_DAY.startMinute % 60 },
    tz,
  );
}

export function inWorkingHours(at: Date, tz: string): boolean {
  const l = localTime(at, tz);
  const minutes = l.hour * 60 + l.minute;
  return (
    l.weekday >= 1 && l.weekday <= 5 && minutes >= WORKING_DAY.startMinute && minutes < WORKING_DAY.endMinute
  );
}

/** The first 09:30 on a Monday–Friday, local to the person, strictly after `at`. */
export function nextWorkingMorning(at: Date, tz: string): Date {
  let date: LocalDate = localTime(at, tz);
  for (let i = 0; i < 8; i += 1) {
    if (isWorkday(date)) {
      const morning = morningOf(date, tz);
      if (morning.getTime() > at.getTime()) return morning;
    }
    date = addDays(date, 1);
  }
  throw new Error(`no working morning found after ${at.toISOString()} in ${tz}`);
}

/** Now, when it is working hours for the person; otherwise their next working morning. */
export function nextWorkingTime(at: Date, tz: string): Date {
  return inWorkingHours(at, tz) ? at : nextWorkingMorning(at, tz);
}

/**
 * When to remind an unanswered person again after a reminder at `sentAt`: a week later (moved to Monday
 * when it falls on a weekend), daily in the last DAILY_WINDOW_DAYS up to the deadline, and never after
 * it (null). Always 09:30 local on a working day.
 */
export function nextReminderAt(sentAt: Date, deadline: string | null, tz: string): Date | null {
  let weekly = addDays(localTime(sentAt, tz), WEEK_DAYS);
  while (!isWorkday(weekly)) weekly = addDays(weekly, 1);
  if (!deadline) return morningOf(weekly, tz);
  const windowStart = isoDate(addDays(parseIsoDate(deadline), 1 - DAILY_WINDOW_DAYS));
  const daily = nextWorkingMorning(sentAt, tz);
  const dailyDate = localDateOf(daily, tz);
  if (dailyDate > deadline) return null;
  if (dailyDate >= windowStart) return daily;
  if (isoDate(weekly) < windowStart) return morningOf(weekly, tz);
  let first = parseIsoDate(windowStart);
  while (!isWorkday(first)) first = addDays(first, 1);
  return isoDate(first) <= deadline ? morningOf(first, tz) : null;
}

/** The instant a deadline day ends in a zone (midnight after it): campaigns close then. */
export function endOfDay(date: string, tz: string): Date {
  return zonedToUtc({ ...addDays(parseIsoDate(date), 1), hour: 0, minute: 0 }, tz);
}
