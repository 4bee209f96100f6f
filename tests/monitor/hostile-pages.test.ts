import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Element, Text } from "domhandler";
import { afterAll, describe, expect, it } from "vitest";
import { extractText } from "../../src/monitor/extract.js";
import {
  createExtractionPool,
  extractionWorkerUrl,
  type Fetcher,
  MAX_DEPTH,
  MAX_ELEMENTS,
  MAX_TEXT_CHARS,
  PAGE_TOO_COMPLEX,
  runPolicyCheck,
} from "../../src/monitor/index.js";
import { renderReadableText } from "../../src/monitor/render-text.js";
import { openTestStore } from "../support/store.js";
import { brokenWorkerUrl } from "./support/broken-worker.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { fetchedPage } from "./support/pages.js";

/** Issue 8, item 9: hostile pages are read off the event loop, bounded, and fail as "page too complex". */

const rules = { select: ["main"], remove: [] as string[] };
const sentence = "We keep your chats for thirty days after you delete them, then they are gone. ";
/** n sibling <main> elements of one short sentence each: 40,000 of them are ~1.4 MB. */
const siblingMains = (n: number) => `<html><body>${"<main>We keep chats.</main>".repeat(n)}</body></html>`;
const nestedDivs = (n: number) =>
  `<html><body><main>${"<div>".repeat(n)}${sentence}${sentence}${"</div>".repeat(n)}</main></body></html>`;

/** A chain of `depth` nested elements built directly (parsing one that deep is itself refused). */
function deepChain(depth: number, names: readonly string[], leaf: string): Element {
  let node: Element = new Element(names[0]!, {}, [new Text(leaf)]);
  for (let i = 1; i < depth; i++) {
    const parent: Element = new Element(names[i % names.length]!, {}, [node]);
    node.parent = parent;
    node = parent;
  }
  return node;
}

describe("element and depth caps", () => {
  it("a page over the element cap is a failure, not a change", async () => {
    const result = extractText(siblingMains(MAX_ELEMENTS + 10), rules);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining(PAGE_TOO_COMPLEX) });
  });

  it("a page nested past the depth cap is a failure, without overflowing the stack", async () => {
    expect(extractText(nestedDivs(MAX_DEPTH + 5), rules)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/page too complex \(elements nested over 512 deep\)/),
    });
    // 440,000 nested divs (≈ 5 MB): refused by the cheap count before any DOM is built.
    expect(extractText(nestedDivs(440_000), rules)).toMatchObject({
      ok: false,
      reason: expect.stringContaining(PAGE_TOO_COMPLEX),
    });
    expect(extractText(nestedDivs(MAX_DEPTH - 10), rules)).toMatchObject({ ok: true });
  });

  it("a page with more text than a document may keep is a failure; one just under it is read", async () => {
    const paragraph = `<p>${sentence.repeat(100)}</p>`;
    const paragraphs = (chars: number) => paragraph.repeat(Math.ceil(chars / (sentence.length * 100)));
    expect(extractText(`<main>${paragraphs(MAX_TEXT_CHARS + 1)}</main>`, rules)).toMatchObject({
      ok: false,
      reason: `${PAGE_TOO_COMPLEX} (over 1,000,000 characters of text)`,
    });
    expect(extractText(`<main>${paragraphs(MAX_TEXT_CHARS * 0.9)}</main>`, rules)).toMatchObject({
      ok: true,
    });
  });

  it("the text renderer is iterative: 100,000 nested elements render without a stack overflow", async () => {
    const blocks = deepChain(100_000, ["div", "section", "span", "p"], "deep");
    const list = deepChain(2_000, ["li", "ul"], "item");
    const cell = new Element("table", {}, [
      new Element("tr", {}, [new Element("td", {}, [deepChain(50_000, ["p", "div"], "cell")])]),
    ]);
    const text = renderReadableText([blocks, new Element("ul", {}, [list]), cell]);
    expect(text).toContain("deep");
    expect(text).toMatch(/- item/);
    expect(text).toContain("cell");
  });

  it("40,000 sibling matches are de-duplicated and all read, in document order", async () => {
    const result = extractText(siblingMains(40_000), { select: ["main", "main p", "body main"], remove: [] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.text.split("We keep chats.").length - 1).toBe(40_000);
    const nested = extractText(
      `<main id="a"><main id="b"><p>${sentence}</p></main></main><main id="c"><p>${sentence} two</p></main>`,
      { select: ["#b", "main"], remove: [] },
    );
    expect(nested.ok && nested.text).toBe(
      `${sentence.trim()}\n\n${sentence.trim()}\n\n${sentence.trim()} two`,
    );
  });
});

describe("the extraction worker pool", () => {
  const pool = createExtractionPool();
  afterAll(() => pool.close());

  it("reads a page in a worker thread while the event loop keeps turning", async () => {
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns += 1;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const analysis = await pool.analyze({ html: siblingMains(40_000), rules });
    spinning = false;
    expect(analysis.ok).toBe(true);
    // In-process extraction would run to completion without one turn of the loop.
    expect(turns).toBeGreaterThan(10);
  });

  it("compares in the worker too: highlights come back with the text", async () => {
    const html = `<main><p>${sentence}</p><p>We keep files for 5 years. ${sentence}</p></main>`;
    const before = `${sentence.trim()}\n\nWe keep files for 30 days. ${sentence.trim()}`;
    const analysis = await pool.analyze({ html, rules, previous: { text: before, hash: "old" } });
    const comparison =
      analysis.ok && !analysis.sameBytes && !analysis.sameWords ? analysis.comparison : undefined;
    expect(comparison?.readable).toBe(true);
    expect(comparison?.highlights.map((h) => h.text)).toContain("We keep files for 5 years.");
  });

  it("a page over the time limit is a typed failure and the pool keeps working", async () => {
    const slow = createExtractionPool({ timeLimitMs: 1 });
    try {
      expect(await slow.analyze({ html: siblingMains(30_000), rules })).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^page too complex \(not read within 0.001 s\)/),
      });
    } finally {
      await slow.close();
    }
    expect(await pool.analyze({ html: siblingMains(10), rules })).toMatchObject({ ok: true });
  });

  it("a worker that cannot start fails the task as a value at once, not after the time limit", async () => {
    const broken = createExtractionPool({ workerUrl: brokenWorkerUrl(), timeLimitMs: 60_000 });
    try {
      expect(await broken.analyze({ html: siblingMains(10), rules })).toEqual({
        ok: false,
        reason: "the page could not be read (the extraction worker stopped repeatedly)",
      });
    } finally {
      await broken.close();
    }
  }, 20_000);

  it("a policy check records a hostile page as failed, never as changed", async () => {
    const store = await openTestStore();
    const catalog = testCatalog(
      testProvider("acme", [{ id: "acme-privacy", url: "https://acme.example/p", select: ["main"] }]),
    );
    let html = siblingMains(10);
    const fetcher: Fetcher = async () => fetchedPage(html);
    const check = async (day: number) =>
      (
        await runPolicyCheck({
          store,
          catalog,
          fetcher,
          analyze: pool.analyze,
          now: new Date(Date.UTC(2025, 0, day)),
        })
      )[0]!;
    expect((await check(1)).status).toBe("new");
    html = nestedDivs(440_000);
    const hostile = await check(2);
    expect(hostile.status).toBe("failed");
    expect(hostile.error).toContain(PAGE_TOO_COMPLEX);
    expect((await store.outbox.list({})).filter((r) => r.kind === "policy-change")).toHaveLength(0);
    await store.close();
  });
});

describe("finding the worker file", () => {
  it("uses the sibling in dist/, and dist/ from src/ (tests run from src after npm run build)", async () => {
    const root = resolve(import.meta.dirname, "../..");
    const fromDist = pathToFileURL(join(root, "dist/monitor/extract-pool.js")).href;
    const fromSrc = pathToFileURL(join(root, "src/monitor/extract-pool.ts")).href;
    const built = pathToFileURL(join(root, "dist/monitor/extract-worker.js")).href;
    expect(extractionWorkerUrl(fromDist).href).toBe(built);
    expect(extractionWorkerUrl(fromSrc).href).toBe(built);
  });

  it("says how to fix a missing worker", async () => {
    const nowhere = pathToFileURL(
      join(mkdtempSync(join(tmpdir(), "no-worker-")), "a/b/extract-pool.js"),
    ).href;
    expect(() => extractionWorkerUrl(nowhere)).toThrow(
      /page-extraction worker is missing .*run npm run build/,
    );
  });
});
