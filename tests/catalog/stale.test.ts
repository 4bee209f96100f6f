import { afterEach, describe, expect, it } from "vitest";
import { runStaleNotice, weekOf } from "../../src/announce/index.js";
import { renderList } from "../../src/blocks/catalog.js";
import { checkMessage } from "../../src/blocks/limits.js";
import { renderSteps } from "../../src/blocks/provider.js";
import { loadCatalog, makeCatalog, staleProviders, staleSince } from "../../src/catalog/index.js";
import { buildHome } from "../../src/reminders/index.js";
import type { Store } from "../../src/store/index.js";
import { openTestStore } from "../support/store.js";

const catalog = loadCatalog();
const claude = catalog.byId("claude")!;
const old = { ...claude, lastReviewed: "2026-08-01" };
let store: Store | undefined;
afterEach(() => store?.close());

describe("staleness (CATALOG_STALE_DAYS)", () => {
  it("marks an entry reviewed more than staleDays before today, never a fresh or unreviewed one", async () => {
    expect(staleSince(old, "2026-11-29", 120)).toBeUndefined(); // exactly 120 days: not yet
    expect(staleSince(old, "2026-11-30", 120)).toBe("2026-08-01");
    expect(staleSince(old, "2026-11-29", 119)).toBe("2026-08-01");
    expect(staleSince({ ...claude, lastReviewed: undefined }, "2030-01-01", 120)).toBeUndefined();
    expect(staleProviders(catalog.providers, "2026-12-01", 120)).toEqual([]);
  });

  it("says so in the answer and in list, within Slack's limits", async () => {
    const answer = renderSteps(old, { today: "2026-12-15", staleDays: 120 });
    expect(JSON.stringify(answer.blocks)).toContain(
      "This entry may be out of date (last reviewed 1 Aug 2026).",
    );
    expect(checkMessage(answer)).toEqual([]);
    expect(JSON.stringify(renderSteps(claude, { today: "2026-12-15", staleDays: 120 }).blocks)).not.toContain(
      "may be out of date",
    );
    const list = JSON.stringify(
      renderList([old, claude], new Map(), { today: "2026-12-15", staleDays: 120 }).blocks,
    );
    expect(list).toContain(":hourglass: may be out of date (last reviewed 1 Aug 2026)");
    expect(list.match(/may be out of date/g)).toHaveLength(1);
  });

  it("says so in App Home for the tools a person uses", async () => {
    store = await openTestStore();
    const now = new Date("2026-12-15T10:00:00Z");
    await store.reminders.setTools("T1", "U1", ["claude"], now);
    const home = await buildHome(
      { store, catalog: makeCatalog([old]), now: () => now, config: { CATALOG_STALE_DAYS: 120 } },
      { teamId: "T1", userId: "U1" },
    );
    expect(JSON.stringify(home.blocks)).toContain(
      "*Claude*: you use it · not asked by a lead · :hourglass: may be out of date (last reviewed 1 Aug 2026)",
    );
  });

  it("shows the monitor's 'needs review' flag in App Home until it is cleared", async () => {
    store = await openTestStore();
    const now = new Date("2026-12-15T10:00:00Z");
    await store.reminders.setTools("T1", "U1", ["claude"], now);
    const deps = {
      store,
      catalog: makeCatalog([claude]),
      now: () => now,
      config: { CATALOG_STALE_DAYS: 120 },
    };
    const home = async () => JSON.stringify((await buildHome(deps, { teamId: "T1", userId: "U1" })).blocks);
    expect(await home()).not.toContain("needs review");
    await store.documents.flagForReview({
      providerId: "claude",
      documentId: "help",
      versionId: null,
      since: now,
    });
    expect(await home()).toContain("*Claude*: you use it · not asked by a lead · :warning: needs review");
    expect(checkMessage(await buildHome(deps, { teamId: "T1", userId: "U1" }), "home")).toEqual([]);
    await store.documents.clearReview("claude");
    expect(await home()).not.toContain("needs review");
  });

  it("lists stale entries to the ops channel once a week", async () => {
    store = await openTestStore();
    const s = store;
    const deps = (at: string, ops: string | undefined) => ({
      store: s,
      catalog: makeCatalog([old, claude]),
      now: () => new Date(at),
      config: { OPS_CHANNEL_ID: ops, CATALOG_STALE_DAYS: 120, DEFAULT_TIMEZONE: "UTC" },
    });
    expect(weekOf("2026-12-16")).toBe("2026-12-14");
    expect(weekOf("2026-12-14")).toBe("2026-12-14");
    expect(await runStaleNotice(deps("2026-12-15T09:00:00Z", undefined))).toBe(false);
    expect(await runStaleNotice(deps("2026-12-15T09:00:00Z", "C0OPS"))).toBe(true);
    expect(await runStaleNotice(deps("2026-12-18T09:00:00Z", "C0OPS"))).toBe(false); // same week
    expect(await runStaleNotice(deps("2026-12-21T09:00:00Z", "C0OPS"))).toBe(true); // next week
    const row = await s.outbox.get("notice:stale:2026-12-14:C0OPS");
    expect(row?.channelId).toBe("C0OPS");
    expect(JSON.stringify(row?.payload)).toContain("*Claude*: last reviewed 1 Aug 2026 (136 days ago)");
    expect(JSON.stringify(row?.payload)).not.toContain("1 Dec 2026");
  });
});
