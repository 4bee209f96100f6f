import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher, type HttpFetcher, runPolicyCheck } from "../../src/monitor/index.js";
import { checkRedirect, isNonPublicAddress } from "../../src/monitor/redirects.js";
import { openSqliteStore } from "../../src/store/index.js";
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
  const publicDns = async () => ["93.184.215.14"];
  const u = (s: string) => new URL(s);

  it("follows a move within the same registrable site", async () => {
    for (const [from, to] of [
      ["http://example.com/privacy", "https://www.example.com/legal/privacy"],
      ["https://www.example.co.uk/p", "https://legal.example.co.uk/p"],
    ]) {
      expect(await checkRedirect(u(from!), u(to!), [], publicDns)).toEqual({ ok: true });
    }
  });

  it("refuses another site unless the catalog entry allows that host", async () => {
    const refused = await checkRedirect(
      u("https://example.co.uk/p"),
      u("https://other.co.uk/p"),
      [],
      publicDns,
    );
    expect(refused).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/another site .*allowRedirectsTo/),
    });
    expect(
      await checkRedirect(
        u("https://example.com/p"),
        u("https://help.partner.example/p"),
        ["help.partner.example"],
        publicDns,
      ),
    ).toEqual({ ok: true });
    expect(
      await checkRedirect(u("https://example.com/p"), u("ftp://example.com/p"), [], publicDns),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining("non-HTTP"),
    });
  });

  it("refuses private, loopback and link-local targets, even on the same site or an allowed host", async () => {
    const to = (address: string) => async () => [address];
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
      expect(
        await checkRedirect(u("https://example.com/p"), u("https://intranet.example.com/p"), [], to(address)),
      ).toMatchObject({
        ok: false,
        reason: expect.stringContaining("private, loopback or link-local"),
      });
    }
    expect(isNonPublicAddress("93.184.215.14")).toBe(false);
    expect(isNonPublicAddress("2606:4700::1111")).toBe(false);
    expect(
      await checkRedirect(
        u("https://example.com/p"),
        u("http://wiki.corp/p"),
        ["wiki.corp"],
        to("192.168.1.10"),
      ),
    ).toMatchObject({ ok: false });
  });

  it("lets a loopback document redirect to itself, never to another port or host name", async () => {
    const none = async () => {
      throw new Error("no DNS wanted");
    };
    expect(await checkRedirect(u("http://127.0.0.1:8080/a"), u("http://127.0.0.1:8080/b"), [], none)).toEqual(
      { ok: true },
    );
    expect(
      await checkRedirect(u("http://127.0.0.1:8080/a"), u("http://127.0.0.1:9090/b"), [], none),
    ).toMatchObject({ ok: false });
    expect(
      await checkRedirect(u("http://127.0.0.1:8080/a"), u("http://localhost:8080/b"), [], none),
    ).toMatchObject({ ok: false });
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
    const store = openSqliteStore(":memory:");
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
});
