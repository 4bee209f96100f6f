import type { Logger } from "@slack/logger";
import type { DeliveryPartitions } from "../coordination/index.js";
import type { OutboxRow, Store } from "../store/index.js";
import { HANDOVER_SETTLE_MS } from "./client.js";

export interface DueContext {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly partitions: DeliveryPartitions;
}

/**
 * Due rows of the workspaces this instance delivers, soonest first, at most `limit`. Workspaces whose
 * partition was just taken first get their rows left in `sending` back to pending, maybe posted, so the
 * history check runs before any of them is posted again. `notOurs`: workspaces whose partition went away
 * during this drain, left alone until the next one.
 */
export async function fetchDue(
  ctx: DueContext,
  notOurs: ReadonlySet<string>,
  limit: number,
): Promise<OutboxRow[]> {
  const { store, clock, partitions } = ctx;
  const teams = await store.outbox.teamsWithWork(clock());
  const claimed = partitions.claim(teams);
  const recover = claimed.recover;
  const deliver = claimed.deliver.filter((t) => !notOurs.has(t));
  let interrupted = 0;
  // A previous holder that lost its lock may still have a post on its way (it stops trusting its
  // partitions only after a missed poll, and a request may run to its timeout): its rows are checked
  // against history only once that post has landed or timed out. A restarted single instance has no
  // such post: the process that claimed the row is gone.
  const settleMs = partitions.shared ? HANDOVER_SETTLE_MS : 0;
  for (const team of recover) interrupted += await store.outbox.recoverInterrupted(clock(), team, settleMs);
  partitions.markRecovered(recover);
  if (interrupted)
    ctx.logger.warn(
      `outbox: ${interrupted} message(s) were interrupted while sending; checking history before re-posting`,
    );
  if (deliver.length === 0) return [];
  // Every workspace with work is ours (a single instance): one query.
  if (deliver.length === new Set(teams).size) return await store.outbox.due(clock(), limit);
  const rows: OutboxRow[] = [];
  for (const team of deliver) rows.push(...(await store.outbox.due(clock(), limit, team)));
  return rows
    .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
    .slice(0, limit);
}
