import type { Catalog } from "../catalog/index.js";
import { keys } from "../outbox/index.js";
import type { OutboxStatus, Subscription } from "../store/index.js";
import { eventKey, upcomingAnnouncements } from "./deadlines.js";
import { catalogEvents } from "./run-deadlines.js";

/** The report for the `ai-privacy deadlines` CLI command (src/cli.ts). */

export interface DeadlinesReportInput {
  catalog: Catalog;
  subscriptions: readonly Subscription[];
  leadDays: readonly number[];
  now: Date;
  timeZone: string;
  /** Whether a key is already in the outbox (to mark today's entries as done). */
  outboxStatus?: (key: string) => OutboxStatus | undefined;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

export interface DeadlineReportEntry {
  on: string;
  lead: number;
  providerId: string;
  eventId: string;
  date: string;
  title: string;
  channels: string[];
  /** How many of those channels already have this announcement queued or sent. */
  queued: number;
}

/** The same report as data, for `ai-privacy deadlines --json`. */
export function deadlinesReportData(input: DeadlinesReportInput): DeadlineReportEntry[] {
  return upcomingAnnouncements({ ...input, events: catalogEvents(input.catalog) }).map((u) => ({
    on: u.on,
    lead: u.lead,
    providerId: u.event.providerId,
    eventId: u.event.id,
    date: u.event.date,
    title: u.event.title,
    channels: u.channels,
    queued: u.channels.filter((c) => input.outboxStatus?.(keys.deadline(eventKey(u.event), u.lead, c)))
      .length,
  }));
}

/** What will be announced when, to how many channels. */
export function formatDeadlinesReport(input: DeadlinesReportInput): string {
  const upcoming = upcomingAnnouncements({ ...input, events: catalogEvents(input.catalog) });
  const head = `Deadline announcements (lead days ${input.leadDays.join(", ")}; days counted in ${input.timeZone})`;
  if (upcoming.length === 0) return `${head}\nNo upcoming dated events in the catalog.`;
  const lines = upcoming.map((u) => {
    const channels = u.channels.length
      ? `${u.channels.length} channel${u.channels.length === 1 ? "" : "s"} (${u.channels.slice(0, 5).join(", ")}${u.channels.length > 5 ? ", …" : ""})`
      : "no subscribed channel";
    const sent =
      input.outboxStatus && u.channels.length
        ? u.channels
            .map((c) => input.outboxStatus?.(keys.deadline(eventKey(u.event), u.lead, c)))
            .filter(Boolean)
        : [];
    const state = sent.length ? `  [${sent.length} already queued/sent]` : "";
    return `${u.on}  ${pad(`${u.lead}d before`, 12)} ${u.event.providerName}: ${u.event.title} (${u.event.date}) → ${channels}${state}`;
  });
  return [head, ...lines].join("\n");
}

/**
 * The outbox status of every announcement the report lists, looked up once each beforehand (the store is
 * async; the report itself stays a pure function of its input).
 */
export async function outboxStatuses(
  input: Omit<DeadlinesReportInput, "outboxStatus">,
  lookup: (key: string) => Promise<OutboxStatus | undefined>,
): Promise<(key: string) => OutboxStatus | undefined> {
  const statuses = new Map<string, OutboxStatus | undefined>();
  for (const u of upcomingAnnouncements({ ...input, events: catalogEvents(input.catalog) }))
    for (const c of u.channels) {
      const key = keys.deadline(eventKey(u.event), u.lead, c);
      statuses.set(key, await lookup(key));
    }
  return (key) => statuses.get(key);
}
