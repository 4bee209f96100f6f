import { describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/limits.js";
import { loadCatalog, makeCatalog, type Provider } from "../../src/catalog/index.js";
import {
  type CampaignProgress,
  type ChecklistItem,
  decideClick,
  renderDigest,
  renderHome,
  renderReminder,
  renderSettled,
  renderStatus,
} from "../../src/reminders/index.js";
import { campaign, now, state } from "./fixtures.js";

const catalog = loadCatalog({});
describe("reminder messages fit Slack's limits for every provider", () => {
  it.each(catalog.providers.map((p) => [p.id, p] as const))(
    "%s: ask, re-check and every settled state",
    (_id, provider) => {
      for (const variant of ["ask", "recheck"] as const) {
        const m = renderReminder({
          provider,
          state: state(),
          campaign,
          today: "2026-12-01",
          variant,
          reason: "x".repeat(5000),
        });
        expect(checkMessage(m)).toEqual([]);
      }
      // A later account, with a chosen plan (the longest the catalog lists) and without.
      const plan = [...(provider.tiers?.covered ?? []), ...(provider.tiers?.excluded ?? [])].sort(
        (a, b) => b.length - a.length,
      )[0];
      for (const extra of [{ account: 5, plan: plan ?? null }, {}]) {
        const m = renderReminder({
          provider,
          state: state(extra),
          campaign,
          today: "2026-12-01",
          variant: "ask",
        });
        expect(checkMessage(m)).toEqual([]);
      }
      for (const s of ["done", "not_using", "snoozed", "not_affected"] as const) {
        const settled = state({
          state: s,
          snoozedUntil: now,
          answeredAt: now,
          plan: plan ?? null,
          account: 5,
        });
        expect(checkMessage(renderSettled({ provider, state: settled, today: "2026-12-01" }))).toEqual([]);
      }
    },
  );
});

describe("App Home and status stay within limits at any size", () => {
  const many: Provider[] = Array.from({ length: 300 }, (_, i) => ({
    ...catalog.providers[0]!,
    id: `tool-${i}`,
    name: `Tool number ${i}`,
  }));
  const big = makeCatalog(many);
  const items: ChecklistItem[] = many.map((provider, i) => ({
    provider,
    uses: i % 2 === 0,
    ...(i % 3 ? { state: state({ id: i, state: i % 3 === 1 ? "pending" : "done" }), campaign } : {}),
  }));
  const progress = (i: number): CampaignProgress => ({
    campaign: { ...campaign, id: i },
    providerName: `Tool number ${i}`,
    counts: {
      done: 2000,
      not_affected: 500,
      not_using: 1000,
      snoozed: 1000,
      pending: 1000,
      unreachable: 100,
    },
    total: 5600,
    extraAccounts: { people: 300, accounts: 450 },
    names: {
      done: Array.from({ length: 2000 }, (_, j) => `U${j}AAAAAAAA`),
      not_affected: Array.from({ length: 500 }, (_, j) => `U${j}FFFFFFFF`),
      not_using: Array.from({ length: 1000 }, (_, j) => `U${j}BBBBBBBB`),
      snoozed: Array.from({ length: 1000 }, (_, j) => `U${j}CCCCCCCC`),
      pending: Array.from({ length: 1000 }, (_, j) => `U${j}DDDDDDDD`),
      unreachable: Array.from({ length: 100 }, (_, j) => `U${j}EEEEEEEE`),
    },
  });

  it("renders a 300-provider catalog and 300 checklist items within 100 blocks, saying how many are left out", async () => {
    const home = renderHome({
      catalog: big,
      items,
      campaigns: Array.from({ length: 30 }, (_, i) => progress(i)),
    });
    expect(checkMessage(home, "home")).toEqual([]);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(home.blocks)).toMatch(/and \d+ more/);
    expect(JSON.stringify(home.blocks)).toContain("Your reminder campaigns");
    // Too many providers to list: the menu searches as the person types (block_suggestion).
    expect(JSON.stringify(home.blocks)).toContain('"type":"multi_external_select"');
    expect(JSON.stringify(renderHome({ catalog, items: [] }).blocks)).toContain(
      '"type":"multi_static_select"',
    );
  });

  it("the empty App Home invites picking tools", async () => {
    const home = renderHome({ catalog, items: [] });
    expect(checkMessage(home, "home")).toEqual([]);
    expect(JSON.stringify(home.blocks)).toContain("pick the tools you use");
  });

  it("status with names for 5,000 people and many campaigns fits one message; totals never carry names", async () => {
    const items12 = Array.from({ length: 12 }, (_, i) => progress(i));
    const lead = renderStatus(items12);
    expect(checkMessage(lead)).toEqual([]);
    expect(JSON.stringify(lead.blocks)).toContain("<@U0AAAAAAAA>");
    const everyone = renderStatus(items12.map(({ names: _names, ...totals }) => totals));
    expect(checkMessage(everyone)).toEqual([]);
    expect(JSON.stringify(everyone.blocks)).not.toContain("<@");
    expect(checkMessage(renderDigest(progress(1), "weekly"))).toEqual([]);
    expect(JSON.stringify(renderDigest(progress(1), "closing").blocks)).not.toContain("<@");
  });
});

describe("the state machine", () => {
  // Gone, not yours and closed are refused before this, once for every button (tests/reminders/clicked.test.ts).
  const base = { campaign, now, tz: "Europe/Berlin" };
  it("applies answers only from unanswered states, and Undo only of the answer shown", async () => {
    expect(decideClick({ ...base, state: state(), click: "done" })).toMatchObject({
      kind: "apply",
      patch: { state: "done" },
    });
    expect(decideClick({ ...base, state: state({ state: "done" }), click: "not_using" })).toEqual({
      kind: "unchanged",
    });
    expect(
      decideClick({ ...base, state: state({ state: "done" }), click: "undo", undoFrom: "done" }),
    ).toMatchObject({
      kind: "apply",
      patch: { state: "pending" },
    });
    expect(
      decideClick({ ...base, state: state({ state: "done" }), click: "undo", undoFrom: "not_using" }),
    ).toEqual({ kind: "unchanged" });
    const later = decideClick({ ...base, state: state(), click: "later" });
    expect(later).toMatchObject({
      kind: "apply",
      patch: { state: "snoozed", snoozedUntil: new Date("2026-12-02T08:30:00Z") },
    });
    // Snoozing twice the same morning is the same snooze.
    const until = new Date("2026-12-02T08:30:00Z");
    expect(
      decideClick({ ...base, state: state({ state: "snoozed", snoozedUntil: until }), click: "later" }),
    ).toEqual({ kind: "unchanged" });
  });
});
