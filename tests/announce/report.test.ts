import { describe, expect, it } from "vitest";
import { formatDeadlinesReport, outboxStatuses } from "../../src/announce/report.js";
import { runDeadlineCheck } from "../../src/announce/run-deadlines.js";
import { makeCatalog, type Provider } from "../../src/catalog/index.js";
import { enqueueMessage, formatOutboxReport } from "../../src/outbox/index.js";
import { openStore, subscribe, TEAM } from "./helpers.js";

const acme = {
  id: "acme",
  name: "Acme AI",
  aliases: [],
  notCovered: [],
  uncertainties: [],
  confidence: "weak",
  sources: [],
  documents: [],
  deadlines: [
    { id: "opt-out", date: "2026-12-10", title: "Last day to opt out", kind: "deadline", sources: [] },
  ],
} as unknown as Provider;

describe("CLI reports", () => {
  it("`ai-privacy deadlines` lists what will be announced when, and what is already queued", async () => {
    const store = await openStore();
    await subscribe(store, "C1");
    await subscribe(store, "C2");
    const now = new Date("2026-12-05T12:00:00Z");
    const catalog = makeCatalog([acme]);
    const input = {
      catalog,
      subscriptions: await store.subscriptions.listAll(),
      leadDays: [14, 7, 3, 1, 0],
      now,
      timeZone: "UTC",
    };
    const lookup = async (k: string) => (await store.outbox.get(k))?.status;
    const before = formatDeadlinesReport({ ...input, outboxStatus: await outboxStatuses(input, lookup) });
    expect(before.split("\n")).toEqual([
      "Deadline announcements (lead days 14, 7, 3, 1, 0; days counted in UTC)",
      "2026-12-05  7d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
      "2026-12-07  3d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
      "2026-12-09  1d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
      "2026-12-10  0d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
    ]);
    await runDeadlineCheck({
      store,
      catalog,
      now: () => now,
      config: { DEADLINE_LEAD_DAYS: [14, 7, 3, 1, 0], DEFAULT_TIMEZONE: "UTC" },
    });
    expect(
      formatDeadlinesReport({ ...input, outboxStatus: await outboxStatuses(input, lookup) }).split("\n")[1],
    ).toContain("[2 already queued/sent]");
    expect(formatDeadlinesReport({ ...input, catalog: makeCatalog([]) })).toContain(
      "No upcoming dated events",
    );
  });

  it("`ai-privacy outbox` shows counts, then pending and failed rows with their errors", async () => {
    const store = await openStore();
    const now = new Date("2026-12-05T12:00:00Z");
    for (const key of ["a", "b"])
      await enqueueMessage(
        store,
        { key, kind: "deadline", teamId: TEAM, channelId: "C1", payload: { text: key } },
        now,
      );
    const b = (await store.outbox.get("b"))!;
    await store.outbox.markSending(b.id, 0, now);
    await store.outbox.markFailed(b.id, { status: "sending", attempts: 1 }, "channel_not_found", now);
    const text = await formatOutboxReport(store);
    expect(text).toContain("Outbox: pending 1, sending 0, sent 0, failed 1, cancelled 0");
    expect(text).toMatch(/Pending:\n {2}#\d+ a → C1 \(deadline, 0 attempts, next 2026-12-05T12:00:00.000Z\)/);
    expect(text).toMatch(/Failed:\n {2}#\d+ b → C1 \(deadline, 1 attempt, last error: channel_not_found\)/);
  });
});
