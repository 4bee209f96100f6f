import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzePage } from "../../src/monitor/analyze.js";
import { sha256 } from "../../src/monitor/extract.js";
import { createExtractionPool, createFetcher } from "../../src/monitor/index.js";

/**
 * Issue 8, item 9, the fetch side: everything CPU-heavy about a fetched page (hashing, charset decoding,
 * gzipping for the store) happens where the page is read, in the worker, and its bytes move there instead
 * of being copied on the event loop that acknowledges Slack.
 */

const rules = { select: ["main"], remove: [] as string[] };
/** Long enough not to read as an empty shell. */
const POLICY = "We keep your chats for thirty days after you delete them, then erase them for good. "
  .repeat(4)
  .trim();
const latin1 = Buffer.concat([
  Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><main><p>Caf'),
  Buffer.from([0xe9]),
  Buffer.from(` policy. ${POLICY}</p></main></body></html>`),
]);

describe("reading a fetched page from its bytes", () => {
  it("hashes the bytes, decodes the declared charset and gzips the HTML for the store", () => {
    const analysis = analyzePage({ body: new Uint8Array(latin1), contentType: "text/html", rules });
    expect(analysis).toMatchObject({ ok: true, text: expect.stringContaining("Café policy. We keep") });
    if (!analysis.ok || analysis.sameBytes) throw new Error("expected a read page");
    expect(analysis.raw?.rawHash).toBe(sha256(latin1));
    expect(gunzipSync(analysis.raw!.gzippedHtml).toString("utf8")).toContain("Café policy.");
  });

  it("the same bytes as the last readable page are not read again", () => {
    const analysis = analyzePage({ body: new Uint8Array(latin1), rules, knownRawHash: sha256(latin1) });
    expect(analysis).toEqual({ ok: true, sameBytes: true, rawHash: sha256(latin1) });
  });

  it("the same words as the last readable version come back without their text", () => {
    const first = analyzePage({ body: new Uint8Array(latin1), rules });
    if (!first.ok || first.sameBytes || first.sameWords) throw new Error("expected a read page");
    const again = analyzePage({ body: new Uint8Array(latin1), rules, previousHash: first.hash });
    expect(again).toMatchObject({ ok: true, sameWords: true, hash: first.hash });
    expect(again).not.toHaveProperty("text");
  });

  it("a page that fails to read still comes back with its stored copy", () => {
    const analysis = analyzePage({ body: new TextEncoder().encode("<p>no main here</p>"), rules });
    expect(analysis).toMatchObject({ ok: false, raw: { rawHash: expect.any(String) } });
  });

  it("reads the stored gzipped copy the same way", () => {
    const html = `<main><p>Stored. ${POLICY}</p></main>`;
    expect(analyzePage({ gzippedHtml: new Uint8Array(gzipSync(html)), rules })).toMatchObject({
      ok: true,
      text: expect.stringContaining("Stored. We keep"),
    });
  });
});

describe("the worker pool and the fetcher hand bytes over without copying them", () => {
  const pool = createExtractionPool();
  let server: Server;
  let base: string;
  const page = `<html><body><main>${"<p>We keep your chats for thirty days.</p>".repeat(20_000)}</main></body></html>`;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/gzip") {
        res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" }).end(gzipSync(page));
      } else if (req.url === "/chunked") {
        res.writeHead(200, { "content-type": "text/html" });
        for (let i = 0; i < page.length; i += 100_000) res.write(page.slice(i, i + 100_000));
        res.end();
      } else {
        res.writeHead(200, { "content-type": "text/html" }).end(page);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("moves a page's bytes to the worker: the caller's buffer is empty afterwards", async () => {
    const body = new TextEncoder().encode(page);
    const analysis = await pool.analyze({ body, contentType: "text/html; charset=utf-8", rules });
    expect(analysis).toMatchObject({ ok: true, raw: { rawHash: expect.any(String) } });
    expect(body.byteLength).toBe(0); // transferred, not cloned
  });

  it("compares a changed page with its previous text in the worker", async () => {
    const compared = await pool.compare({ previous: POLICY, text: POLICY.replace("thirty", "ninety") });
    expect(compared.ok && compared.comparison.readable).toBe(true);
  });

  it.each(["/plain", "/gzip", "/chunked"])(
    "the fetcher's body (%s) owns its buffer whole, decompressed",
    async (path) => {
      const fetcher = createFetcher({ jitterMaxMs: 0 });
      try {
        const outcome = await fetcher({ url: `${base}${path}` });
        if (outcome.kind !== "page") throw new Error(`expected a page, got ${JSON.stringify(outcome)}`);
        expect(outcome.body.byteOffset).toBe(0);
        expect(outcome.body.byteLength).toBe(outcome.body.buffer.byteLength);
        expect(Buffer.from(outcome.body).toString("utf8")).toBe(page);
      } finally {
        await fetcher.close();
      }
    },
  );
});

describe("the worker thread yields the CPU to the event loop", () => {
  const onLinux = process.platform === "linux";
  if (!onLinux) console.log("skipping the thread-priority check: per-thread nice values are Linux-only");
  it.skipIf(!onLinux)(
    "runs page reads at a lower priority (nice) than the thread answering Slack",
    async () => {
      const { readdirSync, readFileSync } = await import("node:fs");
      const niceOf = (task: string) => {
        const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
        // Field 19 of proc(5)'s stat is the nice value; fields are counted after the "(comm)" one.
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      };
      // Relative to the test process's own nice, so a suite started under `nice` checks the same thing.
      const before = niceOf(String(process.pid));
      const pool = createExtractionPool({ threads: 1 });
      try {
        await pool.analyze({ html: `<main><p>${POLICY}</p></main>`, rules });
        const nices = readdirSync("/proc/self/task").map(niceOf);
        expect(niceOf(String(process.pid))).toBe(before);
        expect(nices.filter((n) => n === 15)).toHaveLength(1);
      } finally {
        await pool.close();
      }
    },
  );
});
