import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCatalogCheck } from "../../src/announce/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { checkAtom, type Node, text } from "./atom.js";

/**
 * The catalog-updates feed is an edit history: each catalog change the bot detects at a start (stored
 * snapshot vs. the loaded catalog, here an operator overlay edited between restarts) is one entry, kept in
 * the store, newest first, with an id and `updated` that never move afterwards.
 */

const PUBLIC_URL = "https://privacy-bot.example.com";
const dir = mkdtempSync(join(tmpdir(), "aipb-catalog-feed-"));
const databasePath = join(dir, "bot.db");
const overlayPath = join(dir, "overlay.yaml");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One start of the bot: the start-up catalog check (what the "announcements" job runs first), then `use`. */
async function start<T>(
  at: string,
  overlay: string | undefined,
  use: (bot: TestBot, get: (headers?: Record<string, string>) => Promise<Response>) => Promise<T>,
): Promise<T> {
  if (overlay !== undefined) writeFileSync(overlayPath, overlay);
  const bot = await startTestBot({
    databasePath,
    now: () => new Date(at),
    env: { PUBLIC_URL, ...(overlay !== undefined ? { CATALOG_PATH: overlayPath } : {}) },
  });
  try {
    await runCatalogCheck(bot.deps);
    return await use(bot, (headers = {}) => fetch(`${bot.base}/feeds/catalog.atom`, { headers }));
  } finally {
    await bot.stop();
  }
}

const href = (e: Node) => String(((e.link as Node[])[0] as Node)["@href"]);

const CLAUDE_RETENTION = `providers:
  - id: claude
    name: Claude
    retention:
      withTraining: up to 6 years (test overlay)
`;

const CLAUDE_AND_CHATGPT = `providers:
  - id: claude
    name: Claude
    retention:
      withTraining: up to 7 years (test overlay)
  - id: chatgpt
    name: ChatGPT
    retention:
      withoutTraining: 45 days (test overlay)
`;

describe("catalog-updates feed across restarts", () => {
  it("first start records the baseline only: a valid feed with no entries", async () => {
    await start("2026-12-01T09:00:00Z", undefined, async (bot, get) => {
      // A channel subscribed to catalog changes: its id and its lead must never reach the feed.
      await bot.deps.store.subscriptions.upsert({
        teamId: "T0SECRET",
        channelId: "C0SECRETCH",
        providerId: "*",
        kinds: ["catalog"],
        createdBy: "U0SECRETUS",
        now: new Date("2026-12-01T09:00:00Z"),
      });
      const res = await get();
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
      const { feed, entries } = checkAtom(await res.text());
      expect(entries).toHaveLength(0);
      expect(text(feed.title)).toBe("AI privacy: catalog updates");
      expect(text(feed.id)).toBe("tag:privacy-bot.example.com,2026:feed:catalog");
    });
  });

  let firstEntry: { id: string; updated: string };
  let etag: string;

  it("a restart with an edited overlay adds one entry: the provider, each field old → new, when detected", async () => {
    await start("2026-12-02T09:00:00Z", CLAUDE_RETENTION, async (bot, get) => {
      const res = await get();
      const xml = await res.text();
      const { feed, entries } = checkAtom(xml);
      expect(entries).toHaveLength(1);
      const [entry] = entries as [Node];
      expect(text(entry.id)).toBe("tag:privacy-bot.example.com,2026:catalog-change:claude:1");
      expect(text(entry.title)).toBe("Claude: Retention with training changed");
      expect(text(entry.updated)).toBe("2026-12-02T09:00:00.000Z");
      expect(text(feed.updated)).toBe("2026-12-02T09:00:00.000Z");
      expect(href(entry)).toBe(`${PUBLIC_URL}/providers/claude`);
      expect(((entry.category as Node[])[0] as Node)["@term"]).toBe("claude");
      const content = text(entry.content);
      expect(content).toContain("<strong>Retention with training</strong>");
      expect(content).toContain("<del>up to 5 years (new or resumed chats after you allow training)</del>");
      expect(content).toContain("<ins>up to 6 years (test overlay)</ins>");
      // The subscription made the check queue an announcement; none of it is on the web.
      expect(await bot.deps.store.outbox.list({})).not.toHaveLength(0);
      expect(xml).not.toMatch(/C0SECRETCH|U0SECRETUS|T0SECRET/);
      firstEntry = { id: text(entry.id), updated: text(entry.updated) };
      etag = res.headers.get("etag") ?? "";
      expect((await get({ "if-none-match": etag })).status).toBe(304);
    });
  });

  it("the same overlay again adds nothing: the same feed, the same ETag, 304", async () => {
    await start("2026-12-03T09:00:00Z", CLAUDE_RETENTION, async (_bot, get) => {
      expect((await get({ "if-none-match": etag })).status).toBe(304);
      const res = await get();
      expect(res.headers.get("etag")).toBe(etag);
      expect(checkAtom(await res.text()).entries).toHaveLength(1);
    });
  });

  it("a second edit adds its entries on top; earlier entries keep their id and updated", async () => {
    await start("2026-12-04T09:00:00Z", CLAUDE_AND_CHATGPT, async (_bot, get) => {
      const res = await get();
      expect(res.headers.get("etag")).not.toBe(etag);
      const { feed, entries } = checkAtom(await res.text());
      expect(entries.map((e) => [text(e.id).replace(/^.*:catalog-change:/, ""), text(e.updated)])).toEqual(
        expect.arrayContaining([
          ["claude:2", "2026-12-04T09:00:00.000Z"],
          ["chatgpt:1", "2026-12-04T09:00:00.000Z"],
        ]),
      );
      expect(entries).toHaveLength(3);
      // Newest first: the two new entries, then the one from the first edit, unchanged.
      const last = entries[2] as Node;
      expect({ id: text(last.id), updated: text(last.updated) }).toEqual(firstEntry);
      expect(text(feed.updated)).toBe("2026-12-04T09:00:00.000Z");
      const chatgpt = entries.find((e) => text(e.id).endsWith(":chatgpt:1")) as Node;
      expect(text(chatgpt.title)).toBe("ChatGPT: Retention without training changed");
      expect(href(chatgpt)).toBe(`${PUBLIC_URL}/providers/chatgpt`);
      const claude = entries.find((e) => text(e.id).endsWith(":claude:2")) as Node;
      expect(text(claude.content)).toContain("<del>up to 6 years (test overlay)</del>");
    });
  });
});
