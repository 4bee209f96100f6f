import type { Catalog } from "../catalog/index.js";
import { enqueueMessage } from "../outbox/index.js";
import type { Store } from "../store/index.js";
import {
  type CalendarEvent,
  type PlannedAnnouncement,
  planDeadlineAnnouncements,
  REGULATION_PROVIDER_ID,
} from "./deadlines.js";
import { deadlineMessage } from "./messages.js";

/** Every dated event of the catalog (built-in and overlay) and every regulatory date, flattened for planning. */
export function catalogEvents(catalog: Catalog): CalendarEvent[] {
  const regulation = (catalog.regulations ?? []).map((r) => ({
    providerId: REGULATION_PROVIDER_ID,
    providerName: r.jurisdiction,
    id: r.id,
    date: r.date,
    title: r.title,
    kind: "regulation",
    detail: r.detail,
  }));
  return [...providerEvents(catalog), ...regulation];
}

function providerEvents(catalog: Catalog): CalendarEvent[] {
  return catalog.providers.flatMap((p) =>
    p.deadlines.map((d) => ({
      providerId: p.id,
      providerName: p.name,
      id: d.id,
      date: d.date,
      title: d.title,
      kind: d.kind,
      detail: d.detail,
      tiers: p.tiers?.covered,
    })),
  );
}

export interface DeadlineCheckDeps {
  store: Store;
  catalog: Catalog;
  now: () => Date;
  config: { DEADLINE_LEAD_DAYS: readonly number[]; DEFAULT_TIMEZONE: string };
}

export interface DeadlineCheckResult {
  planned: PlannedAnnouncement[];
  /** Rows newly written (the rest were decided on an earlier run). */
  enqueued: number;
}

/** The deadline job: plans the current lead for every event and channel and enqueues, in one transaction. */
export async function runDeadlineCheck(deps: DeadlineCheckDeps): Promise<DeadlineCheckResult> {
  const now = deps.now();
  let enqueued = 0;
  // Planned from the subscriptions as they are inside the transaction that enqueues.
  const planned = await deps.store.transaction(async (tx) => {
    const plan = planDeadlineAnnouncements({
      events: catalogEvents(deps.catalog),
      subscriptions: await tx.subscriptions.listAll(),
      leadDays: deps.config.DEADLINE_LEAD_DAYS,
      now,
      timeZone: deps.config.DEFAULT_TIMEZONE,
    });
    for (const p of plan) {
      const message = {
        key: p.key,
        kind: "deadline",
        teamId: p.teamId,
        channelId: p.channelId,
        payload: deadlineMessage(p.event, p.today),
        notifyUserId: p.notifyUserId,
        subscriptionId: p.subscriptionId,
      };
      if (await enqueueMessage(tx, message, now)) enqueued += 1;
    }
    return plan;
  });
  return { planned, enqueued };
}
