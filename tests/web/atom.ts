import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

/** An RFC 4287 checklist for Atom 1.0 feeds, run on output parsed with a real XML parser. */

const ATOM_NS = "http://www.w3.org/2005/Atom";
/** RFC 3339 date-time (RFC 4287 §3.3). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** An absolute IRI (RFC 4287 §4.2.6): a scheme, then something. */
const ABSOLUTE_IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;

export type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  isArray: (name) => ["entry", "link", "author", "category"].includes(name),
});

export const text = (node: unknown): string =>
  typeof node === "string" ? node : String((node as Node | undefined)?.["#text"] ?? "");

/** The RFC 4287 checklist; returns the parsed feed for further checks. */
export function checkAtom(xml: string): { feed: Node; entries: Node[] } {
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
