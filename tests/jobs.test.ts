import { describe, expect, it } from "vitest";
import { outboxPurgeHorizon } from "../src/jobs.js";
import { openTestStore } from "./support/store.js";

const DAY = 86_400_000;

describe("outbox housekeeping", () => {
  it("keeps delivered rows RETENTION_DAYS, and never less than the longest deadline lead plus two days", async () => {
    const now = new Date("2026-11-29T03:41:00Z");
    expect(
      now.getTime() -
        outboxPurgeHorizon(now, { RETENTION_DAYS: 180, DEADLINE_LEAD_DAYS: [14, 7, 0] }).getTime(),
    ).toBe(180 * DAY);
    expect(
      now.getTime() - outboxPurgeHorizon(now, { RETENTION_DAYS: 1, DEADLINE_LEAD_DAYS: [30, 7] }).getTime(),
    ).toBe(32 * DAY);
  });

  it("removes only finished rows older than the horizon", async () => {
    const store = await openTestStore();
    const old = new Date("2026-01-01T00:00:00Z");
    const recent = new Date("2026-11-28T00:00:00Z");
    const add = async (key: string, at: Date) =>
      await store.outbox.enqueue(
        { key, kind: "test", teamId: "T", channelId: "C1", payload: { text: key } },
        at,
      );
    await add("old-sent", old);
    await add("old-pending", old);
    await add("recent-sent", recent);
    await store.outbox.markSent((await store.outbox.get("old-sent"))!.id, "1.1", old);
    await store.outbox.markSent((await store.outbox.get("recent-sent"))!.id, "1.2", recent);
    expect(await store.outbox.purgeFinishedBefore(new Date("2026-06-01T00:00:00Z"))).toBe(1);
    expect(await store.outbox.get("old-sent")).toBeUndefined();
    expect((await store.outbox.get("old-pending"))?.status).toBe("pending");
    expect((await store.outbox.get("recent-sent"))?.status).toBe("sent");
    await store.close();
  });
});
