import { gunzipSync } from "node:zlib";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher, type HttpFetcher, runPolicyCheck } from "../../src/monitor/index.js";
import {
  checkRedirect,
  isNonPublicAddress,
  NON_PUBLIC_ADDRESS,
  publicOnlyLookup,
  type Resolver,
  redirectDispatchers,
} from "../../src/monitor/redirects.js";
import { openTestStore } from "../support/store.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { policyPage } from "./support/pages.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

/** Issue 8, item 12: redirects stay on the document's own site and never reach an internal address. */

const PARAGRAPHS = [
  "We use your conversations to improve our models unless you opt out in Settings.",
  "We keep your chats for 30 days after you delete them.",
];
const INTERNAL = ["Internal wiki: the staging database password is in the vault, ask ops for access."];

describe("the redirect rule", () => {
  const u = (s: string) => new URL(s);

  it("follows a move within the same registrable site", () => {
    for (const [from, to] of [
      ["http://example.com/privacy", "https://www.example.com/legal/privacy"],
      ["https://www.example.co.uk/p", "https://legal.example.co.uk/p"],
    ]) {
      expect(checkRedirect(u(from!), u(to!), [])).toEqual({ ok: true });
    }
  });

  it("refuses another site unless the catalog lists that host or a parent of it", () => {
    expect(checkRedirect(u("https://example.co.uk/p"), u("https://other.co.uk/p"), [])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/another site .*allowRedirectsTo/),
    });
    for (const target of ["https://help.partner.example/p", "https://eu.help.partner.example/p"]) {
      expect(checkRedirect(u("https://example.com/p"), u(target), ["help.partner.example"])).toEqual({
        ok: true,
      });
    }
    expect(
      checkRedirect(u("https://example.com/p"), u("https://evilhelp.partner.example/p"), [
        "help.partner.example",
      ]),
    ).toMatchObject({ ok: false });
    expect(checkRedirect(u("https://example.com/p"), u("ftp://example.com/p"), [])).toMatchObject({
      ok: false,
      reason: expect.stringContaining("non-HTTP"),
    });
  });

  it("knows private, loopback and link-local addresses, and refuses them as IP-address targets", () => {
    for (const address of [
      "10.1.2.3",
      "172.20.0.5",
      "192.168.1.10",
      "127.0.0.1",
      "169.254.169.254",
      "::1",
      "fe80::1",
      "fd00::7",
      "::ffff:10.0.0.1",
      "100.64.1.1",
      "0.0.0.0",
    ]) {
      expect(isNonPublicAddress(address)).toBe(true);
    }
    expect(isNonPublicAddress("93.184.215.14")).toBe(false);
    expect(isNonPublicAddress("2606:4700::1111")).toBe(false);
    expect(checkRedirect(u("https://10.0.0.1/p"), u("https://10.0.0.2/p"), [])).toMatchObject({ ok: false });
    expect(checkRedirect(u("http://wiki.corp/p"), u("http://[fd00::7]/p"), ["fd00::7"])).toMatchObject({
      ok: false,
      reason: expect.stringContaining("private, loopback or link-local"),
    });
  });

  it("lets a loopback document redirect to itself, never to another port or host name", () => {
    expect(checkRedirect(u("http://127.0.0.1:8080/a"), u("http://127.0.0.1:8080/b"), [])).toEqual({
      ok: true,
    });
    expect(checkRedirect(u("http://127.0.0.1:8080/a"), u("http://127.0.0.1:9090/b"), [])).toMatchObject({
      ok: false,
    });
    expect(checkRedirect(u("http://127.0.0.1:8080/a"), u("http://localhost:8080/b"), [])).toMatchObject({
      ok: false,
    });
  });
});

describe("the connection's own lookup (DNS pinning)", () => {
  const lookupOnce = (resolve: Resolver, options: { all?: boolean; family?: number } = {}) =>
    new Promise<{ err: (Error & { code?: string }) | null; address: unknown }>((done) =>
      publicOnlyLookup(resolve)("intranet.example.com", options, (err, address) => done({ err, address })),
    );

  it("refuses a host name with any private, loopback or link-local address", async () => {
    for (const answer of [
      ["10.1.2.3"],
      ["127.0.0.1"],
      ["169.254.169.254"],
      ["fd00::7"],
      ["93.184.215.14", "10.0.0.1"],
    ]) {
      const { err } = await lookupOnce(async () => answer);
      expect(err?.code).toBe(NON_PUBLIC_ADDRESS);
      expect(err?.message).toContain("private, loopback or link-local");
    }
  });

  it("hands a public answer to the connection, in the shape net.connect asks for", async () => {
    expect(await lookupOnce(async () => ["93.184.215.14"])).toEqual({ err: null, address: "93.184.215.14" });
    expect(
      (await lookupOnce(async () => ["93.184.215.14", "2606:4700::1111"], { all: true })).address,
    ).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:4700::1111", family: 6 },
    ]);
  });
});

describe("fetching and checking through redirects", () => {
  let site: PolicySite;
  let internal: PolicySite;
  let fetcher: HttpFetcher;
  beforeAll(async () => {
    site = await startPolicySite();
    internal = await startPolicySite();
    internal.set("/admin", { body: policyPage(INTERNAL) });
    fetcher = createFetcher({ jitterMaxMs: 0 });
  });
  afterAll(async () => {
    await fetcher.close();
    await site.close();
    await internal.close();
  });

  it("follows a redirect on the same host and port", async () => {
    site.set("/new", { body: policyPage(PARAGRAPHS) });
    site.set("/old", { status: 301, body: "", headers: { location: "/new" } });
    expect(await fetcher({ url: `${site.url}/old` })).toMatchObject({ kind: "page" });
  });

  it.each([
    [
      "another port of the same loopback host",
      () => `${internal.url}/admin`,
      /private, loopback or link-local/,
    ],
    ["another host name", () => `${internal.url.replace("127.0.0.1", "localhost")}/admin`, /another site/],
    ["a cloud metadata address", () => "http://169.254.169.254/latest/meta-data/", /another site/],
  ])("refuses a redirect to %s without contacting it", async (_, target, reason) => {
    const before = internal.hits("/admin");
    site.set("/moved", { status: 302, body: "", headers: { location: target() } });
    expect(await fetcher({ url: `${site.url}/moved` })).toMatchObject({
      kind: "failed",
      reason: expect.stringMatching(reason),
    });
    expect(internal.hits("/admin")).toBe(before);
  });

  it("an internal page behind a redirect is a failure: not stored, not announced", async () => {
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
      testProvider("acme", [{ id: "acme-privacy", url: `${site.url}/policy`, select: ["main"] }]),
    );
    site.set("/policy", { body: policyPage(PARAGRAPHS) });
    const check = async (day: number) =>
      (await runPolicyCheck({ store, catalog, fetcher, now: new Date(Date.UTC(2025, 0, day)) }))[0]!;
    expect((await check(1)).status).toBe("new");
    site.set("/policy", { status: 302, body: "", headers: { location: `${internal.url}/admin` } });
    const result = await check(2);
    expect(result).toMatchObject({ status: "failed", error: expect.stringContaining("loopback") });
    expect((await store.outbox.list({})).filter((r) => r.kind === "policy-change")).toHaveLength(0);
    const raw = await store.documents.rawPage("acme-privacy");
    expect(raw ? gunzipSync(raw.gzippedHtml).toString("utf8") : "").not.toContain("staging database");
    await store.close();
  });

  it("a host name that resolves to a private address is refused at connect time, resolved once (no rebinding)", async () => {
    // The host is asked about once, by the connection itself: the answer checked is the answer used, so
    // a rebinding DNS server (public for a check, private for the connection) has no second question to
    // answer differently. (The test never answers a public address: nothing may leave this machine.)
    const asked: string[] = [];
    const rebinding: Resolver = async (host) => {
      asked.push(host);
      return ["127.0.0.1"];
    };
    const pinned = createFetcher({ jitterMaxMs: 0, resolve: rebinding });
    try {
      const port = new URL(internal.url).port;
      const before = internal.hits("/admin");
      site.set("/rebind", {
        status: 302,
        body: "",
        headers: { location: `http://policy.rebind.example:${port}/admin` },
      });
      const outcome = await pinned({ url: `${site.url}/rebind`, allowRedirectsTo: ["rebind.example"] });
      expect(outcome).toMatchObject({
        kind: "failed",
        reason: expect.stringMatching(/policy\.rebind\.example is 127\.0\.0\.1.*refused/),
      });
      expect(asked).toEqual(["policy.rebind.example"]);
      expect(internal.hits("/admin")).toBe(before);
    } finally {
      await pinned.close();
    }
  });

  it("the connection itself refuses, whoever asks: no check that a second DNS answer could slip past", async () => {
    const dispatchers = redirectDispatchers({ connectTimeoutMs: 2_000, resolve: async () => ["127.0.0.1"] });
    try {
      const port = new URL(internal.url).port;
      const before = internal.hits("/admin");
      const target = new URL(`http://alias.rebind.example:${port}/admin`);
      const dispatcher = dispatchers.forHop(new URL(`${site.url}/doc`), target);
      await expect(request(target, { dispatcher })).rejects.toMatchObject({ code: NON_PUBLIC_ADDRESS });
      expect(internal.hits("/admin")).toBe(before);
      // The document's own endpoint is connected to as configured (a loopback test double).
      const own = dispatchers.forHop(new URL(`${site.url}/doc`), new URL(`${site.url}/new`));
      const answer = await request(`${site.url}/new`, { dispatcher: own });
      await answer.body.dump();
      expect(answer.statusCode).toBe(200);
    } finally {
      await dispatchers.close();
    }
  });
});
