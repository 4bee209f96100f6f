import type { Catalog } from "../catalog/index.js";
import type { OutboxRow, OutboxStatus, Store, Subscription } from "../store/index.js";
import { upcomingAnnouncements } from "./deadlines.js";
import { catalogEvents } from "./run-deadlines.js";

/** Plain-text reports for the `ai-privacy deadlines` and `ai-privacy outbox` CLI commands (src/cli.ts). */

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
    queued: u.channels.filter((c) =>
      input.outboxStatus?.(`deadline:${u.event.providerId}/${u.event.id}:${u.lead}:${c}`),
    ).length,
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
            .map((c) => input.outboxStatus?.(`deadline:${u.event.providerId}/${u.event.id}:${u.lead}:${c}`))
            .filter(Boolean)
        : [];
    const state = sent.length ? `  [${sent.length} already queued/sent]` : "";
    return `${u.on}  ${pad(`${u.lead}d before`, 12)} ${u.event.providerName}: ${u.event.title} (${u.event.date}) → ${channels}${state}`;
  });
  return [head, ...lines].join("\n");
}

function describeRow(r: OutboxRow): string {
  const tries = `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
  const next = r.status === "pending" ? `, next ${r.nextAttemptAt.toISOString()}` : "";
  const error = r.lastError ? `, last error: ${r.lastError}` : "";
  return `  #${r.id} ${r.key} → ${r.channelId} (${r.kind}, ${tries}${next}${error})`;
}

/** The outbox report as data, for `ai-privacy outbox --json`: counts, then the rows not yet settled. */
export function outboxReportData(store: Pick<Store, "outbox">, limit = 50) {
  const counts = store.outbox.counts();
  const rows = (["sending", "pending", "failed"] as const).flatMap((status) =>
    store.outbox.list({ status, limit }).map((r) => ({
      id: r.id,
      key: r.key,
      status: r.status,
      kind: r.kind,
      channelId: r.channelId,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      lastError: r.lastError,
    })),
  );
  return { counts, rows };
}

/** Counts by status, then the pending and failed rows (newest first). */
export function formatOutboxReport(store: Pick<Store, "outbox">, limit = 50): string {
  const counts = store.outbox.counts();
  const summary = (Object.entries(counts) as [OutboxStatus, number][])
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  const sections = (["sending", "pending", "failed"] as const).flatMap((status) => {
    const rows = store.outbox.list({ status, limit });
    if (rows.length === 0) return [];
    const more = counts[status] > rows.length ? [`  …and ${counts[status] - rows.length} more`] : [];
    return [`${status[0]!.toUpperCase()}${status.slice(1)}:`, ...rows.map(describeRow), ...more];
  });
  return [`Outbox: ${summary}`, ...sections].join("\n");
}
