import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { openTestStore } from "../support/store.js";
import { checkAtom, type Node, text } from "./atom.js";
import { type Seeded, seedStore } from "./seed.js";

/** Atom 1.0 feeds parsed with a real XML parser and held to RFC 4287's requirements. */

const PUBLIC_URL = "https://privacy-bot.example.com";
let bot: TestBot;
let base: string;
let seeded: Seeded;

beforeAll(async () => {
  bot = await startTestBot({ env: { PUBLIC_URL }, now: () => new Date("2026-12-01T10:00:00Z") });
  seeded = await seedStore(bot.deps.store);
  base = bot.url.replace(/\/slack\/events$/, "");
});

afterAll(async () => {
  await bot.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

describe("Atom feeds", () => {
  it("/feeds/changes.atom lists every change, newest first, each linking to its page", async () => {
    const res = await get("/feeds/changes.atom");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const { feed, entries } = checkAtom(await res.text());
    expect(entries).toHaveLength(2);
    const hrefs = entries.map((e) => String(((e.link as Node[])[0] as Node)["@href"]));
    expect(hrefs).toEqual([
      `${PUBLIC_URL}/changes/${seeded.secondChangeId}`,
      `${PUBLIC_URL}/changes/${seeded.firstChangeId}`,
    ]);
    expect(text(feed.updated)).toBe("2026-03-02T18:17:00.000Z");
    expect(text(entries[1]?.title)).toBe("Claude: Anthropic Consumer Terms changed");
    const content = text(entries[1]?.content);
    expect(content).toContain("See the whole change");
    expect(content).toContain("Effective 1 Mar 2026");
  });

  it("keeps entry ids stable across requests and across a rebuilt database", async () => {
    const ids = async (url: string) =>
      checkAtom(await (await fetch(url)).text()).entries.map((e) => text(e.id));
    const first = await ids(`${base}/feeds/changes.atom`);
    expect(await ids(`${base}/feeds/changes.atom`)).toEqual(first);
    for (const id of first)
      expect(id).toMatch(/^tag:privacy-bot\.example\.com,2026:change:anthropic-consumer-terms:[0-9a-f]{16}$/);
    // The same texts recorded in another database (other version ids) give the same entry ids.
    const store = await openTestStore();
    await store.documents.recordVersion(
      {
        documentId: "x",
        providerId: "x",
        hash: "x",
        rawHash: "x",
        text: "x",
        effectiveDate: null,
        baseline: true,
      },
      new Date("2025-01-01T00:00:00Z"),
    );
    await seedStore(store);
    const other = await startTestBot({ env: { PUBLIC_URL }, store });
    try {
      expect(await ids(other.url.replace(/\/slack\/events$/, "/feeds/changes.atom"))).toEqual(first);
    } finally {
      await other.stop();
    }
  });

  it("answers If-None-Match with 304 while nothing changed", async () => {
    for (const path of ["/feeds/changes.atom", "/feeds/providers/claude.atom", "/feeds/catalog.atom"]) {
      const first = await get(path);
      const etag = first.headers.get("etag");
      expect(etag, path).toBeTruthy();
      const again = await get(path, { "if-none-match": etag ?? "" });
      expect(again.status, path).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      const other = await get(path, { "if-none-match": '"something-else"' });
      expect(other.status, path).toBe(200);
    }
  });

  it("/feeds/providers/<id>.atom has only that provider's changes; other providers get a valid empty feed", async () => {
    const claude = checkAtom(await (await get("/feeds/providers/claude.atom")).text());
    expect(claude.entries).toHaveLength(2);
    expect(text(claude.feed.title)).toBe("AI privacy: Claude policy changes");
    const chatgpt = checkAtom(await (await get("/feeds/providers/chatgpt.atom")).text());
    expect(chatgpt.entries).toHaveLength(0);
    expect((await get("/feeds/providers/nope.atom")).status).toBe(404);
  });
});
