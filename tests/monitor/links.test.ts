import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderList } from "../../src/blocks/catalog.js";
import { checkMessage } from "../../src/blocks/limits.js";
import { makeCatalog, type Provider } from "../../src/catalog/index.js";
import { ProviderSchema } from "../../src/catalog/schema.js";
import { brokenLinkProviders, createLinkProbe, linksOf, runLinkCheck } from "../../src/monitor/index.js";
import type { Store } from "../../src/store/index.js";
import { openTestStore } from "../support/store.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

let site: PolicySite;
let store: Store;
const probe = createLinkProbe({ totalTimeoutMs: 5_000 });
beforeAll(async () => {
  site = await startPolicySite();
});
afterAll(async () => {
  await site.close();
  await probe.close();
});
afterEach(() => store?.close());

function provider(settingsPath: string, helpPath = "/help/opt-out"): Provider {
  return ProviderSchema.parse({
    id: "acme",
    name: "Acme AI",
    ownHosts: ["127.0.0.1"],
    optOut: {
      available: "yes",
      settingsUrl: `${site.url}${settingsPath}`,
      platforms: [{ id: "web", steps: [{ id: "s1", text: "Open settings" }], sources: ["help"] }],
    },
    sources: [
      { id: "help", url: `${site.url}${helpPath}`, title: "Opt out", cited: "2026-11-01" },
      { id: "press", url: `${site.url}/news`, title: "News", cited: "2026-11-01", grade: "press" },
    ],
  }) as Provider;
}

const page = { body: "<html><body>Settings</body></html>" };
let clock = new Date("2026-12-01T06:00:00Z");
const run = (p: Provider, ops = "C0OPS") =>
  runLinkCheck({ store, catalog: makeCatalog([p]), now: () => clock, opsChannelId: ops, probe });

describe("settings-link health", () => {
  it("checks the settings URL and the official articles the steps cite, not press or site roots", async () => {
    expect(linksOf(provider("/settings")).map((l) => l.url)).toEqual([
      `${site.url}/settings`,
      `${site.url}/help/opt-out`,
    ]);
  });

  it("a 404 marks the provider once with one ops notice; a 200 later clears it with one recovery notice", async () => {
    store = await openTestStore();
    site.set("/help/opt-out", page);
    const p = provider("/gone");
    const first = await run(p);
    expect(first.find((r) => r.url.endsWith("/gone"))?.verdict).toEqual({
      kind: "broken",
      reason: "HTTP 404",
    });
    expect(first.find((r) => r.url.endsWith("/opt-out"))?.verdict).toEqual({ kind: "ok" });
    clock = new Date("2026-12-02T06:00:00Z");
    await run(p); // still broken: no second notice
    expect(await brokenLinkProviders(store)).toEqual(new Set(["acme"]));
    expect(await store.documents.brokenLinks()).toEqual([
      {
        providerId: "acme",
        url: `${site.url}/gone`,
        reason: "HTTP 404",
        since: new Date("2026-12-01T06:00:00Z"),
      },
    ]);
    const broken = (await store.outbox.list({ limit: 100 })).filter((m) => m.kind === "link-broken");
    expect(broken).toHaveLength(1);
    expect(broken[0]?.channelId).toBe("C0OPS");
    expect(JSON.stringify(broken[0]?.payload)).toContain("a link may be broken");
    expect(checkMessage(broken[0]!.payload)).toEqual([]);

    site.set("/gone", page);
    clock = new Date("2026-12-03T06:00:00Z");
    await run(p);
    expect((await brokenLinkProviders(store)).size).toBe(0);
    const pending = await store.outbox.list({ limit: 100 });
    expect(pending.filter((m) => m.kind === "link-recovered")).toHaveLength(1);
    expect(pending.filter((m) => m.kind === "link-broken")).toHaveLength(1);
    expect(pending.every((m) => m.channelId === "C0OPS")).toBe(true);
  });

  it("a 410 is broken; a 200 is not; HEAD refused (405) falls back to GET", async () => {
    site.set("/removed", { ...page, status: 410 });
    site.set("/no-head", { ...page, headStatus: 405 });
    site.set("/ok", page);
    expect(await probe.check(`${site.url}/removed`, [])).toEqual({ kind: "broken", reason: "HTTP 410" });
    expect(await probe.check(`${site.url}/ok`, [])).toEqual({ kind: "ok" });
    expect(await probe.check(`${site.url}/no-head`, [])).toEqual({ kind: "ok" });
    expect(site.lastRequestHeaders("/no-head")).toBeDefined();
  });

  it("follows same-site redirects, accepts a login redirect, marks a redirect to another site", async () => {
    site.set("/old-settings", { ...page, status: 301, headers: { location: "/new-settings" } });
    site.set("/new-settings", page);
    site.set("/to-login", {
      ...page,
      status: 302,
      headers: { location: "https://login.example.net/signin?next=x" },
    });
    site.set("/elsewhere", { ...page, status: 301, headers: { location: "https://parked.example.org/" } });
    site.set("/moved-gone", { ...page, status: 301, headers: { location: "/nowhere" } });
    expect(await probe.check(`${site.url}/old-settings`, [])).toEqual({ kind: "ok" });
    expect(await probe.check(`${site.url}/to-login`, [])).toEqual({ kind: "ok" });
    expect(await probe.check(`${site.url}/elsewhere`, [])).toEqual({
      kind: "broken",
      reason: "redirects to another site (parked.example.org)",
    });
    expect(await probe.check(`${site.url}/moved-gone`, [])).toEqual({ kind: "broken", reason: "HTTP 404" });
  });

  it("uses the policy fetcher's one redirect rule: ownHosts and their subdomains, never an internal address", async () => {
    const asked: string[] = [];
    const pinned = createLinkProbe({
      totalTimeoutMs: 5_000,
      resolve: async (host) => {
        asked.push(host);
        return ["127.0.0.1"];
      },
    });
    try {
      // Another port of the same loopback host: an internal address, refused without being contacted.
      const internal = await startPolicySite();
      try {
        internal.set("/admin", page);
        const internalPort = new URL(internal.url).port;
        site.set("/to-internal", {
          ...page,
          status: 302,
          headers: { location: `http://help.acme.example:${internalPort}/admin` },
        });
        expect(await pinned.check(`${site.url}/to-internal`, ["acme.example"])).toEqual({
          kind: "broken",
          reason: expect.stringContaining("help.acme.example is 127.0.0.1"),
        });
        expect(asked).toEqual(["help.acme.example"]);
        expect(internal.hits("/admin")).toBe(0);
        site.set("/to-ip", { ...page, status: 302, headers: { location: `${internal.url}/admin` } });
        expect(await pinned.check(`${site.url}/to-ip`, ["127.0.0.1"])).toMatchObject({
          kind: "broken",
          reason: expect.stringContaining("private, loopback or link-local"),
        });
        expect(internal.hits("/admin")).toBe(0);
      } finally {
        await internal.close();
      }
    } finally {
      await pinned.close();
    }
  });

  it("a server error or timeout changes nothing", async () => {
    store = await openTestStore();
    site.set("/help/opt-out", page);
    site.set("/flaky", { ...page, status: 503 });
    const results = await run(provider("/flaky"));
    expect(results.find((r) => r.url.endsWith("/flaky"))?.verdict).toEqual({
      kind: "unknown",
      reason: "HTTP 503",
    });
    expect(await store.documents.brokenLinks()).toEqual([]);
    expect(await store.outbox.list({ limit: 100 })).toEqual([]);
  });

  it("shows 'link may be broken' in list only when given (leads)", async () => {
    const p = provider("/x");
    const forLead = JSON.stringify(renderList([p], new Map(), undefined, new Set(["acme"])).blocks);
    const forOthers = JSON.stringify(renderList([p], new Map()).blocks);
    expect(forLead).toContain("link may be broken");
    expect(forOthers).not.toContain("link may be broken");
  });
});
