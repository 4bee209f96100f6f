import { describe, expect, it } from "vitest";
import {
  documentDiff,
  documentHistory,
  type Fetcher,
  type FetchOutcome,
  fetchFailure,
  formatCheckJson,
  formatCheckLine,
  formatHistory,
  httpFailure,
  jitterMs,
  MonitorLookupError,
  runPolicyCheck,
} from "../../src/monitor/index.js";
import { openTestStore } from "../support/store.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { BASE_PARAGRAPHS, fetchedPage, policyPage } from "./support/pages.js";

/** runPolicyCheck with a scripted fetcher: no network, no timers, a fixed clock. */

function scripted(): Fetcher & {
  next: (outcome: FetchOutcome) => void;
  html: (html: string, etag?: string) => void;
} {
  let current: () => FetchOutcome = () => fetchFailure("invalid-url", "nothing scripted");
  const fetcher = async () => current();
  return Object.assign(fetcher, {
    next: (outcome: FetchOutcome) => {
      current = () => outcome;
    },
    html: (html: string, etag?: string) => {
      current = () => fetchedPage(html, etag ?? null);
    },
  });
}

const A = BASE_PARAGRAPHS;
const B = BASE_PARAGRAPHS.map((p) => p.replace("30 days", "90 days"));
const C = BASE_PARAGRAPHS.map((p) => p.replace("30 days", "2 years"));

async function setup(select = ["main"]) {
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
    testProvider("acme", [{ id: "acme-privacy", url: "https://acme.example/privacy", select }]),
  );
  const fetcher = scripted();
  let day = 1;
  const run = async (c = catalog) =>
    (await runPolicyCheck({ store, catalog: c, fetcher, now: new Date(Date.UTC(2025, 0, day++)) }))[0]!;
  const announcements = async () =>
    (await store.outbox.list({})).filter((r) => r.kind === "policy-change").length;
  return { store, catalog, fetcher, run, announcements };
}

describe("runPolicyCheck", () => {
  it("announces a page flipping between two versions once", async () => {
    const { fetcher, run, announcements } = await setup();
    const statuses: string[] = [];
    for (const text of [A, B, A, B, A, C]) {
      fetcher.html(policyPage(text));
      const result = await run();
      statuses.push(result.seenBefore ? `${result.status} (seen)` : result.status);
    }
    expect(statuses).toEqual([
      "new",
      "changed",
      "changed (seen)",
      "changed (seen)",
      "changed (seen)",
      "changed",
    ]);
    expect(await announcements()).toBe(2);
  });

  it("re-baselines silently from the stored page when the selectors change", async () => {
    const { store, fetcher, run, announcements } = await setup();
    fetcher.html(policyPage(A));
    await run();
    const narrower = testCatalog(
      testProvider("acme", [
        { id: "acme-privacy", url: "https://acme.example/privacy", select: ["main"], remove: ["h1"] },
      ]),
    );
    fetcher.next({ kind: "not-modified" });
    expect(await run(narrower)).toMatchObject({ status: "unchanged" });
    fetcher.html(policyPage(A, { churn: true }));
    expect(await run(narrower)).toMatchObject({ status: "unchanged" });
    expect(await announcements()).toBe(0);
    expect((await store.documents.versions("acme-privacy")).map((v) => v.baseline)).toEqual([true, true]);
  });

  it("starts a new silent baseline when the new selectors find nothing in the stored page", async () => {
    const { fetcher, run, announcements } = await setup();
    fetcher.html(policyPage(A));
    await run();
    const moved = testCatalog(
      testProvider("acme", [
        { id: "acme-privacy", url: "https://acme.example/privacy", select: ["article"] },
      ]),
    );
    fetcher.html(policyPage(A).replace("<main>", "<article>").replace("</main>", "</article>"));
    expect((await run(moved)).status).toBe("new");
    expect(await announcements()).toBe(0);
  });

  it("starts a silent baseline when the operator moves a document to another address", async () => {
    const { fetcher, run, announcements } = await setup();
    fetcher.html(policyPage(A));
    await run();
    const moved = testCatalog(
      testProvider("acme", [{ id: "acme-privacy", url: "https://acme.example/en/privacy" }]),
    );
    fetcher.html(policyPage(B));
    expect((await run(moved)).status).toBe("new");
    expect(await announcements()).toBe(0);
  });

  it("refuses a document id used by two providers instead of mixing their baselines", async () => {
    const { store, fetcher } = await setup();
    const doc = { id: "privacy", url: "https://acme.example/privacy" };
    const catalog = testCatalog(testProvider("acme", [doc]), testProvider("other", [doc], "Other AI"));
    fetcher.html(policyPage(A));
    const results = await runPolicyCheck({ store, catalog, fetcher, now: new Date(0) });
    expect(results.map((r) => r.status)).toEqual(["new", "failed"]);
    expect(results[1]!.error).toMatch(/used twice \(also by acme\)/);
  });

  it("tells the operator at once of a failure that will not fix itself, and of a transient one when it repeats", async () => {
    const { store, catalog, fetcher, run } = await setup();
    const notices = async () => (await store.outbox.list({})).filter((r) => r.kind === "monitor-unreadable");
    fetcher.html(policyPage(A));
    await run();
    // A 503 and a timeout may go away by themselves: nothing until the third failure in a row.
    fetcher.next(httpFailure(503));
    expect(await run()).toMatchObject({ status: "failed", error: "HTTP 503", mayBeTransient: true });
    fetcher.next(fetchFailure("timeout", "timeout"));
    await run();
    expect(await notices()).toHaveLength(0);
    expect(await store.documents.state("acme-privacy")).toMatchObject({
      failures: 2,
      failureMayBeTransient: true,
      notifiedFailure: false,
    });
    // Readable again before the third: nobody heard of it, and the count starts over.
    fetcher.html(policyPage(A));
    await run();
    expect(await store.documents.state("acme-privacy")).toMatchObject({
      failures: 0,
      failureMayBeTransient: null,
    });
    // A 404 will not: the notice goes out at its first check, saying so, and only once.
    fetcher.next(httpFailure(404));
    expect(await run()).toMatchObject({ status: "failed", error: "HTTP 404", mayBeTransient: false });
    const [notice] = await notices();
    expect(JSON.stringify(notice?.payload.blocks)).toContain("waiting will not fix it");
    await run();
    expect(await notices()).toHaveLength(1);
    expect(await store.documents.state("acme-privacy")).toMatchObject({
      failures: 2,
      failureMayBeTransient: false,
      notifiedFailure: true,
    });
    const [history] = await documentHistory(store, catalog, "acme");
    expect(formatHistory([history!])).toContain("unreadable for 2 checks: HTTP 404 (permanent)");
  });

  it("treats a 304 for a failing document as a re-read of the stored page", async () => {
    const { fetcher, run } = await setup(["#missing"]);
    fetcher.html(policyPage(A), '"v1"');
    expect((await run()).status).toBe("failed");
    fetcher.next({ kind: "not-modified" });
    const again = await run();
    expect(again).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/nothing matches #missing/),
    });
  });

  it("prints one line or one JSON object per document", async () => {
    const { fetcher, run } = await setup();
    fetcher.html(policyPage(A));
    await run();
    fetcher.html(policyPage(B));
    const changed = await run();
    expect(formatCheckLine(changed)).toMatch(
      /^acme\/acme-privacy\s+changed\s+effective 2025-03-05; 2 highlights$/,
    );
    expect(JSON.parse(formatCheckJson(changed))).toMatchObject({
      providerId: "acme",
      documentId: "acme-privacy",
      status: "changed",
    });
    fetcher.next(httpFailure(503));
    expect(formatCheckLine(await run())).toMatch(/failed\s+HTTP 503$/);
  });

  it("lists the history and diffs versions by number or hash prefix", async () => {
    const { store, catalog, fetcher, run } = await setup();
    for (const text of [A, B, C]) {
      fetcher.html(policyPage(text));
      await run();
    }
    const [history] = await documentHistory(store, catalog, "acme");
    expect(history!.versions.map((v) => v.id)).toEqual([3, 2, 1]);
    expect(formatHistory([history!])).toMatch(/#3 .* current/);
    const latest = await documentDiff(store, "acme-privacy");
    expect(latest).toContain("-We keep your chats for 90 days after you delete them.");
    expect(latest).toContain("+We keep your chats for 2 years after you delete them.");
    const byHash = await documentDiff(store, "acme-privacy", history!.versions[2]!.hash.slice(0, 8), "2");
    expect(byHash).toContain("+We keep your chats for 90 days after you delete them.");
    await expect(documentHistory(store, catalog, "nope")).rejects.toThrow(MonitorLookupError);
    await expect(documentDiff(store, "acme-privacy", "999")).rejects.toThrow(/no version "999"/);
    await expect(documentDiff(store, "acme-privacy", "zz")).rejects.toThrow(/no version "zz"/);
    expect(await documentDiff(store, "acme-privacy", "#1", "#2")).toContain(
      "+We keep your chats for 90 days",
    );
    expect(await documentDiff(store, "unknown-doc")).toMatch(/no version recorded yet/);
  });
});

describe("jitterMs", () => {
  it("stays within [0, max)", async () => {
    expect(jitterMs(1000, () => 0)).toBe(0);
    expect(jitterMs(1000, () => 0.9999999)).toBe(999);
    expect(jitterMs(0)).toBe(0);
  });
});
