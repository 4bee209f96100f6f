import { keys } from "../outbox/index.js";
import type { Subscription } from "../store/index.js";
import { localDateOf } from "../time/index.js";

/**
 * Pure planning of deadline announcements. A dated catalog event is announced to each subscribed channel
 * at each lead time (days before the date, counted in calendar days of `timeZone`), exactly once per
 * (channel, event, lead): the idempotency key is `deadline:<provider>/<event>:<lead>:<channel>`.
 *
 * Only the *current* lead is ever planned — the smallest lead that is ≥ the days left. After downtime
 * that is the most recent missed lead (one catch-up message, never a burst of stale ones), and a channel
 * that subscribes 2 days before a deadline gets the 3-day message on the next run. Earlier leads that
 * were missed are skipped for good; events in the past are never announced.
 */

export interface CalendarEvent {
  providerId: string;
  providerName: string;
  id: string;
  /** Calendar date, YYYY-MM-DD. */
  date: string;
  title: string;
  kind: string;
  detail?: string | undefined;
  /** Who is affected (tiers covered), for the message. */
  tiers?: readonly string[] | undefined;
}

export interface PlannedAnnouncement {
  key: string;
  event: CalendarEvent;
  lead: number;
  daysUntil: number;
  /** The calendar day (in the planning time zone) the plan was made for. */
  today: string;
  teamId: string;
  channelId: string;
  subscriptionId: number;
  /** The lead who subscribed the channel: told if the channel turns out to be unreachable. */
  notifyUserId: string;
}

export interface DeadlinePlanInput {
  events: readonly CalendarEvent[];
  /** Active subscriptions that include the "deadlines" kind (any provider filter). */
  subscriptions: readonly Subscription[];
  leadDays: readonly number[];
  now: Date;
  timeZone: string;
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export const calendarDate = (now: Date, timeZone: string): string => localDateOf(now, timeZone);

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The lead time whose announcement is due when `daysUntil` days are left, if any. */
export function currentLead(daysUntil: number, leadDays: readonly number[]): number | undefined {
  if (daysUntil < 0) return undefined;
  const candidates = leadDays.filter((l) => l >= daysUntil);
  return candidates.length ? Math.min(...candidates) : undefined;
}

export const eventKey = (event: Pick<CalendarEvent, "providerId" | "id">): string =>
  `${event.providerId}/${event.id}`;

/** The provider id of regulatory dates (EU AI Act, US states), which belong to no provider. */
export const REGULATION_PROVIDER_ID = "regulation";

/**
 * Provider events go to channels subscribed to that provider's (or every provider's) deadlines;
 * `kind: regulation` events only to channels subscribed to `regulation`, whatever their provider filter.
 */
const covers = (s: Subscription, event: CalendarEvent) =>
  s.pausedAt === null &&
  (event.kind === "regulation"
    ? s.kinds.includes("regulation")
    : s.kinds.includes("deadlines") && (s.providerId === "*" || s.providerId === event.providerId));

export function planDeadlineAnnouncements(input: DeadlinePlanInput): PlannedAnnouncement[] {
  const today = calendarDate(input.now, input.timeZone);
  const planned: PlannedAnnouncement[] = [];
  for (const event of input.events) {
    const daysUntil = daysBetween(today, event.date);
    const lead = currentLead(daysUntil, input.leadDays);
    if (lead === undefined) continue;
    const seen = new Set<string>();
    for (const s of input.subscriptions) {
      if (!covers(s, event)) continue;
      const channel = `${s.teamId}/${s.channelId}`;
      if (seen.has(channel)) continue;
      seen.add(channel);
      planned.push({
        key: keys.deadline(eventKey(event), lead, s.channelId),
        event,
        lead,
        daysUntil,
        today,
        teamId: s.teamId,
        channelId: s.channelId,
        subscriptionId: s.id,
        notifyUserId: s.createdBy,
      });
    }
  }
  return planned;
}

export interface UpcomingAnnouncement {
  /** The calendar day the announcement goes out (in the planning time zone). */
  on: string;
  lead: number;
  event: CalendarEvent;
  channels: string[];
}

/** What will be announced when, from today on (for `ai-privacy deadlines`). Today's entry is the current lead. */
export function upcomingAnnouncements(input: DeadlinePlanInput): UpcomingAnnouncement[] {
  const today = calendarDate(input.now, input.timeZone);
  const out: UpcomingAnnouncement[] = [];
  for (const event of input.events) {
    const daysUntil = daysBetween(today, event.date);
    if (daysUntil < 0) continue;
    const channels = [
      ...new Set(input.subscriptions.filter((s) => covers(s, event)).map((s) => s.channelId)),
    ].sort();
    const current = currentLead(daysUntil, input.leadDays);
    for (const lead of input.leadDays) {
      if (lead > daysUntil && lead !== current) continue;
      out.push({ on: lead === current ? today : addDays(event.date, -lead), lead, event, channels });
    }
  }
  return out.sort((a, b) => a.on.localeCompare(b.on) || a.event.date.localeCompare(b.event.date));
}
