import { describe, expect, it } from "vitest";
import { formatDeadlinesReport } from "../../src/announce/report.js";
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
  it("`ai-privacy deadlines` lists what will be announced when, and what is already queued", () => {
    const store = openStore();
    subscribe(store, "C1");
    subscribe(store, "C2");
    const now = new Date("2026-12-05T12:00:00Z");
    const catalog = makeCatalog([acme]);
    const input = {
      catalog,
      subscriptions: store.subscriptions.listAll(),
      leadDays: [14, 7, 3, 1, 0],
      now,
      timeZone: "UTC",
    };
    const before = formatDeadlinesReport({ ...input, outboxStatus: (k) => store.outbox.get(k)?.status });
    expect(before.split("\n")).toEqual([
      "Deadline announcements (lead days 14, 7, 3, 1, 0; days counted in UTC)",
      "2026-12-05  7d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
      "2026-12-07  3d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
      "2026-12-09  1d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
      "2026-12-10  0d before    Acme AI: Last day to opt out (2026-12-10) → 2 channels (C1, C2)",
    ]);
    runDeadlineCheck({
      store,
      catalog,
      now: () => now,
      config: { DEADLINE_LEAD_DAYS: [14, 7, 3, 1, 0], DEFAULT_TIMEZONE: "UTC" },
    });
    expect(
      formatDeadlinesReport({ ...input, outboxStatus: (k) => store.outbox.get(k)?.status }).split("\n")[1],
    ).toContain("[2 already queued/sent]");
    expect(formatDeadlinesReport({ ...input, catalog: makeCatalog([]) })).toContain(
      "No upcoming dated events",
    );
  });

  it("`ai-privacy outbox` shows counts, then pending and failed rows with their errors", () => {
    const store = openStore();
    const now = new Date("2026-12-05T12:00:00Z");
    for (const key of ["a", "b"])
      enqueueMessage(
        store,
        { key, kind: "deadline", teamId: TEAM, channelId: "C1", payload: { text: key } },
        now,
      );
    const b = store.outbox.get("b")!;
    store.outbox.markSending(b.id, now);
    store.outbox.markFailed(b.id, "channel_not_found", now);
    const text = formatOutboxReport(store);
    expect(text).toContain("Outbox: pending 1, sending 0, sent 0, failed 1, cancelled 0");
    expect(text).toMatch(/Pending:\n {2}#\d+ a → C1 \(deadline, 0 attempts, next 2026-12-05T12:00:00.000Z\)/);
    expect(text).toMatch(/Failed:\n {2}#\d+ b → C1 \(deadline, 1 attempt, last error: channel_not_found\)/);
  });
});
