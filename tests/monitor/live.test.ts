import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/limits.js";
import {
  createPageReaderProcess,
  needsReview,
  type PageReaderProcess,
  runPolicyCheck,
} from "../../src/monitor/index.js";
import type { Store } from "../../src/store/index.js";
import { openTestStore } from "../support/store.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { BASE_PARAGRAPHS, challengePage, emptySelectionPage, policyPage } from "./support/pages.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

/**
 * End to end against a loopback site: what a subscribed channel (the outbox) gets, run after run. Pages are
 * fetched and read by the production reader, in its own process.
 */

const CHANGED = BASE_PARAGRAPHS.map((p) => p.replace("30 days", "5 years"));

let site: PolicySite;
let reader: PageReaderProcess;
let store: Store;
let day = 0;
const nextDay = () => new Date(Date.UTC(2025, 5, 1 + day++, 6));

beforeAll(async () => {
  site = await startPolicySite();
  reader = createPageReaderProcess({ jitterMaxMs: 0, totalTimeoutMs: 2_000 });
});
afterAll(async () => {
  await reader.close();
  await site.close();
});
beforeEach(async () => {
  store = await openTestStore();
  await store.subscriptions.upsert({
    teamId: "T1",
    channelId: "C-PRIVACY",
    providerId: "acme",
    kinds: ["changes"],
    createdBy: "U-LEAD",
    now: nextDay(),
  });
});

const rows = async (kind: string) => (await store.outbox.list({})).filter((r) => r.kind === kind);

function catalogFor(path: string, extra: { carriesSteps?: boolean; select?: string[] } = {}) {
  return testCatalog(
    testProvider("acme", [{ id: "acme-privacy", url: `${site.url}${path}`, select: ["main"], ...extra }]),
  );
}

describe("a subscribed channel watching a live page", () => {
  it("hears once about a real text change and never about churn, outages or flip-flops", async () => {
    const path = "/live";
    const catalog = catalogFor(path);
    const check = async () => (await runPolicyCheck({ store, catalog, now: nextDay(), reader }))[0]!;

    site.set(path, { body: policyPage(BASE_PARAGRAPHS) });
    expect((await check()).status).toBe("new");
    expect(await store.outbox.list({})).toHaveLength(0);

    // Same bytes: a conditional request, answered 304, costs no download.
    const hitsBefore = site.hits(path);
    const same = await check();
    expect(same).toMatchObject({ status: "unchanged", notModified: true });
    expect(site.hits(path)).toBe(hitsBefore + 1);
    expect(site.notModified(path)).toBe(1);
    expect(site.lastRequestHeaders(path)?.["if-none-match"]).toBeDefined();
    expect(site.lastRequestHeaders(path)?.["user-agent"]).toMatch(/^ai-privacy-bot\/\d+\.\d+\.\d+ \(/);

    // Nonces, link targets, tracking parameters, hidden text and wrapper markup all change: silence.
    site.set(path, { body: policyPage(BASE_PARAGRAPHS, { churn: true }) });
    expect((await check()).status).toBe("unchanged");
    site.set(path, { body: policyPage(BASE_PARAGRAPHS), gzip: true });
    expect((await check()).status).toBe("unchanged");
    expect(await store.outbox.list({})).toHaveLength(0);

    // The real change: one message, its diff in the thread.
    site.set(path, { body: policyPage(CHANGED) });
    const changed = await check();
    expect(changed.status).toBe("changed");
    expect(changed.effectiveDate).toBe("2025-03-05");
    expect(changed.highlights.map((h) => [h.change, h.topics.includes("retention")])).toEqual([
      ["removed", true],
      ["added", true],
    ]);
    const [announcement] = await rows("policy-change");
    expect(await rows("policy-change")).toHaveLength(1);
    expect(announcement).toMatchObject({ channelId: "C-PRIVACY", teamId: "T1" });
    const replies = await rows("policy-change-diff");
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((r) => r.threadOf === announcement!.key)).toBe(true);
    expect(JSON.stringify(replies[0]!.payload.blocks)).toContain("5 years");

    // A 503, an empty selection and a bot challenge are failures: no announcement; one notice after three.
    site.set(path, { status: 503, body: "Service Unavailable" });
    expect((await check()).status).toBe("failed");
    site.set(path, { body: emptySelectionPage });
    expect((await check()).status).toBe("failed");
    expect(await rows("monitor-unreadable")).toHaveLength(0);
    site.set(path, { body: challengePage });
    const third = await check();
    expect(third.status).toBe("failed");
    expect(third.error).toMatch(/bot-challenge/);
    expect(await rows("monitor-unreadable")).toHaveLength(1);
    site.set(path, { status: 500, body: "oops" });
    expect((await check()).status).toBe("failed");
    expect(await rows("monitor-unreadable")).toHaveLength(1);
    expect((await rows("monitor-unreadable"))[0]).toMatchObject({ channelId: "U-LEAD", teamId: "T1" });

    // Readable again with the text from before the outage: compared with the last readable version.
    site.set(path, { body: policyPage(CHANGED, { churn: true }) });
    expect((await check()).status).toBe("unchanged");
    expect(await rows("monitor-readable")).toHaveLength(1);
    expect(await rows("policy-change")).toHaveLength(1);

    // Flip-flop between two versions already seen: recorded, never announced again.
    for (const text of [BASE_PARAGRAPHS, CHANGED, BASE_PARAGRAPHS]) {
      site.set(path, { body: policyPage(text) });
      expect(await check()).toMatchObject({ status: "changed", seenBefore: true });
    }
    expect(await rows("policy-change")).toHaveLength(1);

    for (const row of await store.outbox.list({})) expect(checkMessage(row.payload)).toEqual([]);
  });

  it("sends the unreadable notice to the ops channel when one is set, once per outage", async () => {
    const path = "/ops";
    const catalog = catalogFor(path);
    site.set(path, { body: policyPage(BASE_PARAGRAPHS) });
    await runPolicyCheck({ store, catalog, now: nextDay(), reader, opsChannelId: "C-OPS" });
    site.set(path, { status: 404, body: "gone" });
    for (let i = 0; i < 5; i++)
      await runPolicyCheck({ store, catalog, now: nextDay(), reader, opsChannelId: "C-OPS" });
    expect((await rows("monitor-unreadable")).map((r) => r.channelId)).toEqual(["C-OPS"]);
    site.set(path, { body: policyPage(BASE_PARAGRAPHS) });
    await runPolicyCheck({ store, catalog, now: nextDay(), reader, opsChannelId: "C-OPS" });
    await runPolicyCheck({ store, catalog, now: nextDay(), reader, opsChannelId: "C-OPS" });
    expect((await rows("monitor-readable")).map((r) => r.channelId)).toEqual(["C-OPS"]);
  });

  it("marks the provider for review when an article carrying the opt-out steps changes", async () => {
    const path = "/help";
    const catalog = catalogFor(path, { carriesSteps: true });
    site.set(path, { body: policyPage(BASE_PARAGRAPHS) });
    await runPolicyCheck({ store, catalog, now: nextDay(), reader });
    expect((await needsReview(store)).size).toBe(0);
    site.set(path, { body: policyPage(CHANGED) });
    const when = nextDay();
    await runPolicyCheck({ store, catalog, now: when, reader });
    expect((await needsReview(store)).get("acme")).toEqual({ documentId: "acme-privacy", since: when });
    expect(JSON.stringify((await rows("policy-change"))[0]!.payload.blocks)).toContain("needs review");
  });

  it("records a silent baseline from the stored page when the selectors change", async () => {
    const path = "/selectors";
    site.set(path, { body: policyPage(BASE_PARAGRAPHS) });
    await runPolicyCheck({ store, catalog: catalogFor(path), now: nextDay(), reader });
    const narrower = catalogFor(path, { select: ["main p:nth-of-type(2)", "main p:nth-of-type(3)"] });
    const hits = site.hits(path);
    const [result] = await runPolicyCheck({ store, catalog: narrower, now: nextDay(), reader });
    expect(result).toMatchObject({ status: "unchanged", notModified: true });
    expect(site.hits(path)).toBe(hits + 1);
    expect(await store.outbox.list({})).toHaveLength(0);
    const versions = await store.documents.versions("acme-privacy");
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({ baseline: true });
  });
});
