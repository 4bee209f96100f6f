import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { type Seeded, seedStore } from "./seed.js";

/** Atom 1.0 feeds parsed with a real XML parser and held to RFC 4287's requirements. */

const PUBLIC_URL = "https://privacy-bot.example.com";
const ATOM_NS = "http://www.w3.org/2005/Atom";
/** RFC 3339 date-time (RFC 4287 §3.3). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** An absolute IRI (RFC 4287 §4.2.6): a scheme, then something. */
const ABSOLUTE_IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  isArray: (name) => ["entry", "link", "author", "category"].includes(name),
});

const text = (node: unknown): string =>
  typeof node === "string" ? node : String((node as Node | undefined)?.["#text"] ?? "");

/** The RFC 4287 checklist; returns the parsed feed for further checks. */
function checkAtom(xml: string): { feed: Node; entries: Node[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as Node;
  const feed = doc.feed as Node;
  expect(feed, "root element is atom:feed").toBeDefined();
  expect(feed["@xmlns"]).toBe(ATOM_NS);
  // §4.1.1: exactly one id, title, updated; an author unless every entry has one; a self link (SHOULD).
  for (const one of ["id", "title", "updated"]) expect(Array.isArray(feed[one]), one).toBe(false);
  expect(text(feed.id)).toMatch(ABSOLUTE_IRI);
  expect(text(feed.title).length).toBeGreaterThan(0);
  expect(text(feed.updated)).toMatch(RFC3339);
  const entries = (feed.entry as Node[] | undefined) ?? [];
  const authors = (feed.author as Node[] | undefined) ?? [];
  expect(authors.length > 0 || entries.every((e) => e.author)).toBe(true);
  for (const a of authors) expect(text(a.name).length).toBeGreaterThan(0);
  const links = (feed.link as Node[]) ?? [];
  const self = links.filter((l) => l["@rel"] === "self");
  expect(self).toHaveLength(1);
  // At most one alternate link per type and hreflang (§4.1.1).
  const alternates = links
    .filter((l) => (l["@rel"] ?? "alternate") === "alternate")
    .map((l) => String(l["@type"]));
  expect(new Set(alternates).size).toBe(alternates.length);
  for (const l of links) expect(String(l["@href"])).toMatch(/^https?:\/\//);
  const ids = new Set<string>();
  for (const e of entries) {
    // §4.1.2: exactly one id, title, updated; content or an alternate link.
    for (const one of ["id", "title", "updated"]) expect(Array.isArray(e[one]), one).toBe(false);
    const id = text(e.id);
    expect(id).toMatch(ABSOLUTE_IRI);
    expect(ids.has(id), `duplicate id ${id}`).toBe(false);
    ids.add(id);
    expect(text(e.title).length).toBeGreaterThan(0);
    expect(text(e.updated)).toMatch(RFC3339);
    if (e.published) expect(text(e.published)).toMatch(RFC3339);
    const entryLinks = (e.link as Node[] | undefined) ?? [];
    expect(
      e.content !== undefined || entryLinks.some((l) => (l["@rel"] ?? "alternate") === "alternate"),
    ).toBe(true);
    // §4.1.3.1: type is text, html or xhtml (or a media type).
    const content = e.content as Node | undefined;
    if (content) expect(["text", "html", "xhtml"]).toContain(content["@type"] ?? "text");
    if (e.summary) expect(text(e.summary).length).toBeGreaterThan(0);
  }
  return { feed, entries };
}

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
    const store = openSqliteStore(":memory:");
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

  it("the catalog-updates feed has one entry per provider, whose id changes only with its facts", async () => {
    const { entries } = checkAtom(await (await get("/feeds/catalog.atom")).text());
    expect(entries).toHaveLength(bot.deps.catalog.providers.length);
    const claude = entries.find((e) => text(e.id).includes(":catalog:claude:"));
    expect(claude).toBeDefined();
    expect(text(claude?.content)).toContain("Trains by default");
    const overlay = await startTestBot({
      env: { PUBLIC_URL, CATALOG_PATH: new URL("./overlay.yaml", import.meta.url).pathname },
    });
    try {
      const after = checkAtom(
        await (await fetch(overlay.url.replace(/\/slack\/events$/, "/feeds/catalog.atom"))).text(),
      );
      const ids = (list: Node[]) => new Map(list.map((e) => [text(e.id).split(":")[3], text(e.id)]));
      const before = ids(entries);
      const changed = ids(after.entries);
      expect(changed.get("claude")).not.toBe(before.get("claude"));
      expect(changed.get("chatgpt")).toBe(before.get("chatgpt"));
    } finally {
      await overlay.stop();
    }
  });
});
