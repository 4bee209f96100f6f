import { describe, expect, it } from "vitest";
import { leadPolicy } from "../../src/access/index.js";
import { loadCatalog } from "../../src/catalog/index.js";
import { handleCommand, parseCommand } from "../../src/commands/index.js";
import { resolveForReply as resolveProviders } from "../../src/commands/providers.js";
import { parseConfig } from "../../src/config.js";
import type { AppDeps } from "../../src/deps.js";
import type { SlackApi } from "../../src/slack/api.js";
import { openStore, quietLogger, TEAM } from "./helpers.js";

const catalog = loadCatalog();
const NOW = new Date("2026-12-01T10:00:00Z");

async function makeDeps(access: Record<string, string> = {}): Promise<AppDeps> {
  const slack: SlackApi = {
    userInfo: async (id) => ({
      id,
      name: id,
      tz: "UTC",
      isAdmin: false,
      isOwner: false,
      isBot: false,
      deleted: false,
    }),
    channelMembers: async () => [],
    usergroupMembers: async () => [],
    channelAccess: async (channel) =>
      access[channel] ? { ok: false, failure: { kind: "refused", code: access[channel]! } } : { ok: true },
    publishHome: async () => {},
    listUsers: async () => [],
  };
  return {
    config: parseConfig({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "abcdef0123456789abcdef",
      ADMIN_USER_IDS: "ULEAD",
    }),
    store: await openStore(),
    catalog,
    now: () => NOW,
    logger: quietLogger(),
    slack,
    leads: leadPolicy(["ULEAD"], slack, () => NOW),
  };
}

const run = async (deps: AppDeps, text: string, userId = "ULEAD", channelId = "C1") => {
  const reply = await handleCommand(parseCommand(text), { teamId: TEAM, userId, channelId, now: NOW }, deps);
  return { ...reply, all: JSON.stringify(reply.blocks) };
};

describe("resolveProviders", () => {
  it("reads multi-word names longest first and reports ambiguous or unknown words", async () => {
    const ok = resolveProviders(catalog, ["chat", "gpt", "microsoft", "copilot", "claude"]);
    expect(ok.ok && ok.providers.map((p) => p.id)).toEqual(["chatgpt", "microsoft-copilot", "claude"]);
    const bad = resolveProviders(catalog, ["copilot", "clade", "zzzqqq"]);
    expect(bad.ok).toBe(false);
    const text = bad.ok ? "" : JSON.stringify(bad.reply.blocks);
    expect(text).toContain("could be *GitHub Copilot*");
    expect(text).not.toContain("“clade”"); // a typo close enough is accepted
    expect(text).toContain("I don't know “zzzqqq”");
  });
});

describe("subscription commands", () => {
  it("non-leads are refused politely and told who can; nothing is stored or audited", async () => {
    const deps = await makeDeps();
    for (const text of ["subscribe", "unsubscribe all"]) {
      const reply = await run(deps, text, "UBOB");
      expect(reply.responseType).toBe("ephemeral");
      expect(reply.all).toContain("Only team leads");
      expect(reply.all).toContain("<@ULEAD>");
    }
    expect(await deps.store.subscriptions.listAll()).toEqual([]);
    expect(await deps.store.audit.list(TEAM, 10)).toEqual([]);
  });

  it("refuses DMs and explains how to fix channels the bot cannot post in", async () => {
    const deps = await makeDeps({ CPRIV: "channel_not_found", CARCH: "is_archived" });
    expect((await run(deps, "subscribe", "ULEAD", "D123")).all).toContain("not in a DM");
    expect((await run(deps, "subscribe", "ULEAD", "CPRIV")).all).toContain("/invite @ai-privacy");
    expect((await run(deps, "subscribe", "ULEAD", "CARCH")).all).toContain("archived");
    expect(await deps.store.subscriptions.listAll()).toEqual([]);
  });

  it("subscribes named providers with kinds, widens kinds later, and lists who added what", async () => {
    const deps = await makeDeps();
    await run(deps, "subscribe claude chatgpt deadlines");
    await run(deps, "subscribe claude catalog");
    const subs = await deps.store.subscriptions.listForChannel(TEAM, "C1");
    expect(subs.map((s) => [s.providerId, s.kinds])).toEqual([
      ["chatgpt", ["deadlines"]],
      ["claude", ["catalog", "deadlines"]],
    ]);
    expect((await deps.store.audit.list(TEAM, 5))[1]).toMatchObject({
      action: "subscribe",
      actorId: "ULEAD",
      detail: { channelId: "C1", providers: ["claude", "chatgpt"], kinds: ["deadlines"] },
    });
    await deps.store.subscriptions.pause(subs[0]!.id, "not_in_channel", NOW);
    const list = await run(deps, "subscriptions", "UBOB");
    expect(list.all).toContain("*ChatGPT*: deadlines — added by <@ULEAD> on 1 Dec 2026");
    expect(list.all).toContain("paused");
    expect(list.all).toContain("not_in_channel");
  });

  it("unsubscribe explains an 'all' subscription instead of silently doing nothing", async () => {
    const deps = await makeDeps();
    await run(deps, "subscribe all");
    const narrow = await run(deps, "unsubscribe claude");
    expect(narrow.all).toContain("every provider");
    expect(narrow.all).toContain("unsubscribe all");
    expect((await run(deps, "unsubscribe all")).all).toContain("no longer gets announcements");
    expect((await run(deps, "unsubscribe all")).all).toContain("wasn't subscribed");
    expect((await run(deps, "subscriptions")).all).toContain("has no subscriptions");
    expect((await deps.store.audit.list(TEAM, 10)).map((a) => a.action)).toEqual([
      "unsubscribe",
      "subscribe",
    ]);
  });
});
