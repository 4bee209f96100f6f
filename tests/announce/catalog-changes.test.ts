import { describe, expect, it } from "vitest";
import { detectCatalogChanges, runCatalogCheck, snapshotOf } from "../../src/announce/catalog-changes.js";
import { checkMessage } from "../../src/blocks/limits.js";
import { type Catalog, loadCatalog, makeCatalog, type Provider } from "../../src/catalog/index.js";
import { openStore, subscribe, TEAM } from "./helpers.js";

const builtin = loadCatalog();
const claude = builtin.byId("claude")!;

const edited = (p: Provider, change: (copy: Provider) => void): Provider => {
  const copy = structuredClone(p);
  change(copy);
  return copy;
};

describe("detectCatalogChanges", () => {
  it("records unknown providers as a silent baseline", async () => {
    const result = detectCatalogChanges([claude], () => undefined);
    expect(result.changes).toEqual([]);
    expect(result.baselines).toEqual(["claude"]);
  });

  it("reports each changed field old → new, and whether the opt-out steps changed", async () => {
    const before = snapshotOf(claude);
    const after = edited(claude, (p) => {
      p.trainsByDefault = { value: "no", sources: [] };
      p.retention = { ...p.retention!, withTraining: "up to 2 years" };
    });
    const [change] = detectCatalogChanges([after], () => before).changes;
    expect(change?.fields.map((f) => f.field)).toEqual(["Trains by default", "Retention with training"]);
    expect(change?.fields[1]).toMatchObject({
      before: claude.retention?.withTraining,
      after: "up to 2 years",
    });
    expect(change?.optOutStepsChanged).toBe(false);

    const moved = edited(claude, (p) => {
      p.optOut!.platforms[0]!.steps[2]!.text = "Under *Model training*, switch it off.";
    });
    const [stepChange] = detectCatalogChanges([moved], () => before).changes;
    expect(stepChange?.fields.map((f) => f.field)).toEqual(["Opt-out steps (web)"]);
    expect(stepChange?.optOutStepsChanged).toBe(true);
  });

  it("sees a new or moved dated event", async () => {
    const before = snapshotOf(claude);
    const after = edited(claude, (p) => {
      p.deadlines.push({
        id: "new-one",
        date: "2027-01-31",
        title: "New consent screen",
        kind: "change",
        sources: [],
      });
    });
    const [change] = detectCatalogChanges([after], () => before).changes;
    expect(change?.fields).toEqual([{ field: "Date: New consent screen", before: "", after: "2027-01-31" }]);
  });

  it("every built-in provider's change message fits Slack's limits", async () => {
    for (const p of builtin.providers) {
      const everything = edited(p, (c) => {
        c.trainsByDefault = { value: "partial", detail: "x".repeat(2000), sources: [] };
        c.optOut = {
          ...(c.optOut ?? { alternateLabels: [], platforms: [], notes: [], sources: [], available: "yes" }),
          label: "y".repeat(500),
        };
      });
      const store = await openStore();
      await store.kv.set(`catalog-snapshot:${p.id}`, snapshotOf(p), new Date());
      await subscribe(store, "C1");
      await runCatalogCheck({ store, catalog: makeCatalog([everything]), now: () => new Date() });
      const row = (await store.outbox.list({}))[0];
      expect(row, p.id).toBeDefined();
      expect(checkMessage(row!.payload)).toEqual([]);
      await store.close();
    }
  });
});

describe("runCatalogCheck", () => {
  it("treats an unreadable snapshot as missing (silent baseline), not as a change or a crash", async () => {
    const store = await openStore();
    await subscribe(store, "CALL");
    await store.kv.set("catalog-snapshot:claude", { hash: "old-format" }, new Date());
    const result = await runCatalogCheck({ store, catalog: makeCatalog([claude]), now: () => new Date() });
    expect(result).toMatchObject({ changes: [], baselines: ["claude"], enqueued: 0 });
    expect((await store.kv.get<{ hash: string }>("catalog-snapshot:claude"))?.hash).toBe(
      snapshotOf(claude).hash,
    );
    await store.close();
  });

  it("first run is silent; an edited overlay announces once to 'catalog' subscribers, not again on the next run", async () => {
    const store = await openStore();
    await subscribe(store, "CALL");
    await store.subscriptions.upsert({
      teamId: TEAM,
      channelId: "CDEAD",
      providerId: "*",
      kinds: ["deadlines"],
      createdBy: "ULEAD",
      now: new Date(),
    });
    await store.subscriptions.upsert({
      teamId: TEAM,
      channelId: "CGPT",
      providerId: "chatgpt",
      kinds: ["catalog"],
      createdBy: "ULEAD",
      now: new Date(),
    });
    const now = () => new Date("2026-12-01T10:00:00Z");
    const v1: Catalog = makeCatalog([claude]);
    expect(await runCatalogCheck({ store, catalog: v1, now })).toMatchObject({
      changes: [],
      baselines: ["claude"],
      enqueued: 0,
    });
    expect((await runCatalogCheck({ store, catalog: v1, now })).enqueued).toBe(0);

    const v2 = makeCatalog([edited(claude, (p) => (p.optOut!.label = "Model training"))]);
    const result = await runCatalogCheck({ store, catalog: v2, now });
    expect(result.changes.map((c) => [c.providerId, c.optOutStepsChanged])).toEqual([["claude", true]]);
    expect(result.enqueued).toBe(1);
    const [row] = await store.outbox.list({});
    expect(row).toMatchObject({ channelId: "CALL", kind: "catalog" });
    expect(row?.key).toMatch(/^catalog:claude:[0-9a-f]{12}-[0-9a-f]{12}:CALL$/);
    expect(JSON.stringify(row?.payload.blocks)).toContain("Model training");
    expect(JSON.stringify(row?.payload.blocks)).toContain("Help improve Claude");

    expect(await runCatalogCheck({ store, catalog: v2, now })).toMatchObject({ changes: [], enqueued: 0 });
    expect((await store.outbox.counts()).pending).toBe(1);
    // The history behind the catalog-updates feed: one entry for the one change, none for the baseline.
    expect(await store.catalogHistory.list(10)).toEqual([
      expect.objectContaining({
        providerId: "claude",
        providerName: "Claude",
        seq: 1,
        stepsChanged: true,
        fromHash: snapshotOf(claude).hash,
        detectedAt: now(),
        fields: [expect.objectContaining({ field: "Setting label", after: "Model training" })],
      }),
    ]);
    await store.close();
  });
});
