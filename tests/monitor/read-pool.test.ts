import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPageReader,
  PAGE_TOO_COMPLEX,
  type PooledPageReader,
  runPolicyCheck,
} from "../../src/monitor/index.js";
import { openTestStore } from "../support/store.js";
import { brokenWorkerUrl } from "./support/broken-worker.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { BASE_PARAGRAPHS, policyPage } from "./support/pages.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

/**
 * Issue 8, item 9, the whole fetch: a policy page is fetched and read in the worker thread, with every
 * guard the fetcher has, and only a small result comes back to the thread that acknowledges Slack.
 */

const rules = { select: ["main"], remove: [] as string[] };
const INTERNAL = ["Internal wiki: the staging database password is in the vault, ask ops for access."];

let site: PolicySite;
let internal: PolicySite;
let reader: PooledPageReader;
beforeAll(async () => {
  site = await startPolicySite();
  internal = await startPolicySite();
  internal.set("/admin", { body: policyPage(INTERNAL) });
  reader = createPageReader({ jitterMaxMs: 0 });
});
afterAll(async () => {
  await reader.close();
  await site.close();
  await internal.close();
});

describe("the worker-thread page reader", () => {
  it("answers with the analysis and the validators, never the page's bytes", async () => {
    site.set("/policy", { body: policyPage(BASE_PARAGRAPHS), gzip: true });
    const read = await reader({ url: `${site.url}/policy`, rules });
    if (read.kind !== "read") throw new Error(`expected a read page, got ${JSON.stringify(read)}`);
    expect(read).not.toHaveProperty("body");
    expect(read.etag).toMatch(/^"/);
    expect(read.analysis).toMatchObject({ ok: true, text: expect.stringContaining("30 days") });
    const raw = read.analysis.ok && !read.analysis.sameBytes ? read.analysis.raw : undefined;
    expect(gunzipSync(raw!.gzippedHtml).toString("utf8")).toContain("We keep your chats");
  });

  it("sends the validators it is given: an unchanged page is a 304, nothing read", async () => {
    site.set("/conditional", { body: policyPage(BASE_PARAGRAPHS) });
    const first = await reader({ url: `${site.url}/conditional`, rules });
    if (first.kind !== "read") throw new Error("expected a read page");
    const again = await reader({
      url: `${site.url}/conditional`,
      rules,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(again).toEqual({ kind: "not-modified" });
    expect(site.lastRequestHeaders("/conditional")?.["if-none-match"]).toBe(first.etag);
  });

  it("the same words as before come back as a hash, without the text", async () => {
    site.set("/same", { body: policyPage(BASE_PARAGRAPHS) });
    const first = await reader({ url: `${site.url}/same`, rules });
    const hash =
      first.kind === "read" && first.analysis.ok && !first.analysis.sameBytes && first.analysis.hash;
    // Fresh nonces: other bytes, the same visible words.
    site.set("/same", { body: policyPage(BASE_PARAGRAPHS) });
    const again = await reader({ url: `${site.url}/same`, rules, previousHash: hash || null });
    expect(again).toMatchObject({ kind: "read", analysis: { ok: true, sameWords: true, hash } });
    expect(again.kind === "read" && again.analysis).not.toHaveProperty("text");
  });

  it("keeps the size cap", async () => {
    const small = createPageReader({ jitterMaxMs: 0, maxBytes: 1024 * 1024 });
    try {
      site.set("/big", { body: `<main>${"x".repeat(1024 * 1024 + 1)}</main>` });
      expect(await small({ url: `${site.url}/big`, rules })).toEqual({
        kind: "failed",
        cause: "too-large",
        reason: "the page is larger than 1 MB",
        mayBeTransient: false,
      });
    } finally {
      await small.close();
    }
  });

  it("refuses a redirect to another site, and a host that resolves to a loopback address at connect time", async () => {
    const before = internal.hits("/admin");
    site.set("/away", { status: 302, body: "", headers: { location: `${internal.url}/admin` } });
    expect(await reader({ url: `${site.url}/away`, rules })).toMatchObject({
      kind: "failed",
      cause: "redirect",
      mayBeTransient: false,
      reason: expect.stringContaining("private, loopback or link-local"),
    });
    // Allowed by the catalog's site rule, refused by the connection's own lookup (localhost is 127.0.0.1).
    const named = `${internal.url.replace("127.0.0.1", "localhost")}/admin`;
    site.set("/named", { status: 302, body: "", headers: { location: named } });
    expect(await reader({ url: `${site.url}/named`, rules, allowRedirectsTo: ["localhost"] })).toMatchObject({
      kind: "failed",
      cause: "non-public-address",
      mayBeTransient: false,
      reason: expect.stringMatching(/localhost is (127\.0\.0\.1|::1).*refused/),
    });
    expect(internal.hits("/admin")).toBe(before);
  });

  it("a page over the time limit is 'page too complex', and the reader keeps working", async () => {
    const slow = createPageReader({ jitterMaxMs: 0, timeLimitMs: 1 });
    try {
      site.set("/hostile", {
        body: `<html><body>${"<main>We keep chats.</main>".repeat(30_000)}</body></html>`,
      });
      expect(await slow({ url: `${site.url}/hostile`, rules })).toMatchObject({
        kind: "read",
        analysis: {
          ok: false,
          reason: expect.stringMatching(`^${PAGE_TOO_COMPLEX} \\(not read within 0.001 s\\)`),
        },
      });
    } finally {
      await slow.close();
    }
    site.set("/after", { body: policyPage(BASE_PARAGRAPHS) });
    expect(await reader({ url: `${site.url}/after`, rules })).toMatchObject({ analysis: { ok: true } });
  });
});

describe("several reads in flight on one thread", () => {
  let slowSite: Server;
  let url: string;
  let inFlight = 0;
  let most = 0;
  beforeAll(async () => {
    slowSite = createServer((_req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200, { "content-type": "text/html" }).end(policyPage(BASE_PARAGRAPHS));
      }, 300);
    });
    await new Promise<void>((resolve) => slowSite.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(slowSite.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    slowSite.closeAllConnections();
    await new Promise((resolve) => slowSite.close(resolve));
  });

  it("a thread waiting on one site's answer fetches others meanwhile, within the per-host limit", async () => {
    const one = createPageReader({ jitterMaxMs: 0, threads: 1, perHostConcurrency: 3 });
    try {
      const reads = await Promise.all(
        Array.from({ length: 6 }, (_, i) => one({ url: `${url}/p${i}`, rules })),
      );
      expect(reads.every((r) => r.kind === "read" && r.analysis.ok)).toBe(true);
      expect(most).toBe(3);
    } finally {
      await one.close();
    }
  });
});

describe("a thread that dies for one page", () => {
  it("a thread that cannot even start fails the read as a value, never leaves it queued forever", async () => {
    // No thread finishes starting, and piscina then starts no more threads for that pool.
    const broken = createPageReader({ jitterMaxMs: 0, threads: 1, workerUrl: brokenWorkerUrl() });
    try {
      expect(await broken({ url: `${site.url}/policy`, rules })).toEqual({
        kind: "failed",
        cause: "reader",
        reason: "the page reader stopped repeatedly while fetching this page",
        mayBeTransient: true,
      });
    } finally {
      await broken.close();
    }
  }, 20_000);

  it("blames only the page it was reading; a read it held meanwhile is fetched again", async () => {
    const words = "We keep your chats for thirty days after you delete them. ";
    const block = `<main><p>${words.repeat(1_700)}</p></main>`;
    // ~20 MB of text under the element cap: far more than a 32 MB heap can decode, parse and render (32 MB
    // is still well above what a thread needs to start, which on Node 24 can be more than 16 MB).
    site.set("/heavy", { body: `<html><body>${block.repeat(200)}</body></html>` });
    // Still unanswered when the heavy page kills the thread, however slow the machine: fetched twice.
    site.set("/waiting", { body: policyPage(BASE_PARAGRAPHS), delayMs: 3_000 });
    const tight = createPageReader({
      jitterMaxMs: 0,
      threads: 1,
      maxHeapMb: 32,
      maxBytes: 24 * 1024 * 1024,
    });
    try {
      const [heavy, waiting] = await Promise.all([
        tight({ url: `${site.url}/heavy`, rules }),
        tight({ url: `${site.url}/waiting`, rules }),
      ]);
      expect(heavy).toMatchObject({
        kind: "read",
        analysis: { ok: false, reason: `${PAGE_TOO_COMPLEX} (reading it ran out of memory)` },
      });
      expect(waiting).toMatchObject({ kind: "read", analysis: { ok: true } });
      // Fetched again (more than once more if a fresh thread died while starting).
      expect(site.hits("/waiting")).toBeGreaterThanOrEqual(2);
    } finally {
      await tight.close();
    }
  });
});

describe("a policy check through the worker reader", () => {
  it("records an internal page behind a redirect as a failure: not stored, not announced", async () => {
    const store = await openTestStore();
    await store.subscriptions.upsert({
      teamId: "T1",
      channelId: "C1",
      providerId: "*",
      kinds: ["changes"],
      createdBy: "U1",
      now: new Date(0),
    });
    const catalog = testCatalog(
      testProvider("acme", [{ id: "acme-privacy", url: `${site.url}/checked`, select: ["main"] }]),
    );
    site.set("/checked", { body: policyPage(BASE_PARAGRAPHS) });
    const check = async (day: number) =>
      (await runPolicyCheck({ store, catalog, reader, now: new Date(Date.UTC(2025, 0, day)) }))[0]!;
    expect((await check(1)).status).toBe("new");
    expect(await check(2)).toMatchObject({ status: "unchanged", notModified: true });
    site.set("/checked", { status: 302, body: "", headers: { location: `${internal.url}/admin` } });
    expect(await check(3)).toMatchObject({ status: "failed", error: expect.stringContaining("loopback") });
    const raw = await store.documents.rawPage("acme-privacy");
    expect(gunzipSync(raw!.gzippedHtml).toString("utf8")).not.toContain("staging database");
    site.set("/checked", { body: policyPage(BASE_PARAGRAPHS.map((p) => p.replace("30 days", "5 years"))) });
    expect(await check(4)).toMatchObject({
      status: "changed",
      highlights: expect.arrayContaining([expect.objectContaining({ change: "added" })]),
    });
    expect((await store.outbox.list({})).filter((r) => r.kind === "policy-change")).toHaveLength(1);
    await store.close();
  });
});
