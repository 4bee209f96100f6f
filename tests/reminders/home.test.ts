import { afterEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/index.js";
import { checklist } from "../../src/reminders/index.js";
import type { Store } from "../../src/store/index.js";
import { openTestStore } from "../support/store.js";

const catalog = loadCatalog({});
const now = new Date("2026-12-01T10:00:00Z");
let store: Store;
afterEach(() => store?.close());

async function ask(providerId: string, userId: string) {
  const c = await store.reminders.createCampaign({
    teamId: "T1",
    leadId: "UL",
    channelId: "C1",
    providerId,
    deadline: null,
    now,
  });
  await store.reminders.addPeople(c.id, [{ userId, tz: null, nextAt: now }], now);
  return c;
}

describe("the App Home checklist", () => {
  it("shows one row per provider: the open campaign's answer first, else the newest closed one; unanswered first", async () => {
    store = await openTestStore();
    const old = await ask("claude", "U1");
    const newer = await ask("claude", "U1");
    await store.reminders.closeCampaign(old.id, now);
    await store.reminders.closeCampaign(newer.id, now);
    const open = await ask("chatgpt", "U1");
    await store.reminders.setTools("T1", "U1", ["gemini", "claude"], now);
    const items = await checklist(store, catalog, "T1", "U1");
    expect(items.map((i) => [i.provider.id, i.campaign?.id ?? null, i.uses])).toEqual([
      ["chatgpt", open.id, false],
      ["claude", newer.id, true],
      ["gemini", null, true],
    ]);
    expect((await checklist(store, catalog, "T2", "U1")).map((i) => i.provider.id)).toEqual([]);
  });
});

describe("my-data at any size", () => {
  it("fits one ephemeral message however much is stored", async () => {
    const { collectMyData, renderMyData } = await import("../../src/reminders/index.js");
    const { checkMessage } = await import("../../src/blocks/limits.js");
    store = await openTestStore();
    for (let i = 0; i < 60; i += 1) {
      await ask(i % 2 ? "claude" : "chatgpt", "U1");
      await store.audit.record({
        at: now,
        teamId: "T1",
        actorId: "U1",
        action: "x".repeat(80),
        detail: { big: "y".repeat(500) },
      });
    }
    await store.reminders.setTools(
      "T1",
      "U1",
      catalog.providers.map((p) => p.id),
      now,
    );
    const message = renderMyData(await collectMyData(store, "T1", "U1"), catalog);
    expect(checkMessage(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain("Audit log entries* (60)");
  });
});

describe("campaign controls from the App Home", () => {
  it("refuse another workspace's campaign as gone, even to a lead, and change nothing", async () => {
    const { controlCampaign } = await import("../../src/reminders/index.js");
    const { parseConfig } = await import("../../src/config.js");
    store = await openTestStore();
    const campaign = await ask("claude", "U1");
    const config = parseConfig({ SLACK_BOT_TOKEN: "xoxb-t", SLACK_SIGNING_SECRET: "ab".repeat(16) });
    // Every actor is a lead: the workspace check alone must refuse the forged click.
    const deps = { store, catalog, config, leads: { isLead: async () => true, whoCan: () => "" } };
    const control = (teamId: string, kind: "close" | "recheck") =>
      controlCampaign(deps, {
        campaignId: campaign.id,
        teamId,
        actorId: "UL",
        control: kind === "close" ? { kind } : { kind, on: false },
        now,
      });
    expect(await control("T2", "recheck")).toBe("gone");
    expect(await control("T2", "close")).toBe("gone");
    expect(await store.reminders.getCampaign(campaign.id)).toMatchObject({ status: "open", recheck: true });
    expect(await control("T1", "close")).toBe("done");
    expect((await store.reminders.getCampaign(campaign.id))?.status).toBe("closed");
  });
});
