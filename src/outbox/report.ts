import type { OutboxRow, OutboxStatus, Store } from "../store/index.js";

/** The report for the `ai-privacy outbox` CLI command (src/cli.ts), as text and as data. */

function describeRow(r: OutboxRow): string {
  const tries = `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
  const next = r.status === "pending" ? `, next ${r.nextAttemptAt.toISOString()}` : "";
  const error = r.lastError ? `, last error: ${r.lastError}` : "";
  return `  #${r.id} ${r.key} → ${r.channelId} (${r.kind}, ${tries}${next}${error})`;
}

/** The outbox report as data, for `ai-privacy outbox --json`: counts, then the rows not yet settled. */
export async function outboxReportData(store: Pick<Store, "outbox">, limit = 50) {
  const counts = await store.outbox.counts();
  const lists = await Promise.all(
    (["sending", "pending", "failed"] as const).map((status) => store.outbox.list({ status, limit })),
  );
  const rows = lists.flatMap((list) =>
    list.map((r) => ({
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
export async function formatOutboxReport(store: Pick<Store, "outbox">, limit = 50): Promise<string> {
  const counts = await store.outbox.counts();
  const summary = (Object.entries(counts) as [OutboxStatus, number][])
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  const statuses = ["sending", "pending", "failed"] as const;
  const lists = await Promise.all(statuses.map((status) => store.outbox.list({ status, limit })));
  const sections = statuses.flatMap((status, i) => {
    const rows = lists[i]!;
    if (rows.length === 0) return [];
    const more = counts[status] > rows.length ? [`  …and ${counts[status] - rows.length} more`] : [];
    return [`${status[0]!.toUpperCase()}${status.slice(1)}:`, ...rows.map(describeRow), ...more];
  });
  return [`Outbox: ${summary}`, ...sections].join("\n");
}
