import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { DocumentState } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

const version = (hash: string, text = `text ${hash}`) => ({
  documentId: "doc",
  providerId: "acme",
  hash,
  rawHash: `raw-${hash}`,
  text,
  effectiveDate: null,
  baseline: false,
});

const state = (
  documentId: string,
  providerId: string,
  extra: Partial<DocumentState> = {},
): DocumentState => ({
  documentId,
  providerId,
  url: `https://${providerId}.example/${documentId}`,
  rulesKey: "main|v3",
  etag: '"abc"',
  lastModified: "Tue, 01 Dec 2026 09:00:00 GMT",
  rawHash: "r1",
  textHash: "t1",
  versionId: 3,
  failures: 0,
  failingSince: null,
  lastError: null,
  failureMayBeTransient: null,
  notifiedFailure: false,
  lastStatus: "unchanged",
  lastCheckedAt: at(1),
  ...extra,
});

describe.each(KINDS)("document repository contract (%s)", (kind) => {
  it("saves and overwrites document state; lists by provider then document", async () => {
    const store = await freshStore(kind);
    expect(await store.documents.state("privacy")).toBeUndefined();
    await store.documents.saveState(state("privacy", "b"));
    const failing = state("privacy", "b", {
      failures: 2,
      failingSince: at(5),
      lastError: "HTTP 503",
      failureMayBeTransient: true,
      notifiedFailure: true,
      lastStatus: "failed",
      etag: null,
      lastCheckedAt: null,
    });
    await store.documents.saveState(failing);
    await store.documents.saveState(state("terms", "a", { failures: 1, failureMayBeTransient: false }));
    await store.documents.saveState(state("a-doc", "b"));
    expect(await store.documents.state("privacy")).toEqual(failing);
    expect(await store.documents.state("terms")).toMatchObject({ failureMayBeTransient: false });
    expect(await store.documents.state("a-doc")).toMatchObject({ failureMayBeTransient: null });
    expect((await store.documents.allStates()).map((s) => s.documentId)).toEqual([
      "terms",
      "a-doc",
      "privacy",
    ]);
  });

  it("records each distinct text once and knows when a text comes back", async () => {
    const store = await freshStore(kind);
    const a = await store.documents.recordVersion(version("aaaa1111"), at(1));
    const b = await store.documents.recordVersion(
      { ...version("bbbb2222"), baseline: true, effectiveDate: "2026-12-01" },
      at(2),
    );
    const again = await store.documents.recordVersion(version("aaaa1111"), at(3));
    expect([a.seenBefore, b.seenBefore, again.seenBefore]).toEqual([false, false, true]);
    expect(a.version).toEqual({
      id: expect.any(Number),
      ...version("aaaa1111"),
      firstSeenAt: at(1),
      lastSeenAt: at(1),
    });
    expect(again.version).toMatchObject({ id: a.version.id, firstSeenAt: at(1), lastSeenAt: at(3) });
    expect(await store.documents.version(a.version.id)).toMatchObject({ lastSeenAt: at(3) });
    expect(await store.documents.version(b.version.id)).toMatchObject({
      baseline: true,
      effectiveDate: "2026-12-01",
    });
    expect(await store.documents.version(9999)).toBeUndefined();
    const summaries = await store.documents.versions("doc");
    expect(summaries.map((v) => [v.id, v.chars])).toEqual([
      [b.version.id, 13],
      [a.version.id, 13],
    ]);
    expect(summaries[0]).not.toHaveProperty("text");
    expect((await store.documents.versions("doc", 1)).length).toBe(1);
    expect((await store.documents.previousVersion("doc", b.version.id))?.id).toBe(a.version.id);
    expect(await store.documents.previousVersion("doc", a.version.id)).toBeUndefined();
  });

  it("concurrent records of the same text make one version", async () => {
    const store = await freshStore(kind);
    const results = await Promise.all(
      [1, 2, 3].map((m) => store.documents.recordVersion(version("cccc3333"), at(m))),
    );
    expect(new Set(results.map((r) => r.version.id)).size).toBe(1);
    expect(results.filter((r) => !r.seenBefore)).toHaveLength(1);
  });

  it("finds a version by id, #id or hash prefix (≥ 4 hex), never by a short or odd prefix", async () => {
    const store = await freshStore(kind);
    const a = await store.documents.recordVersion(version("abcd1234"), at(1));
    await store.documents.recordVersion(version("ffff0000"), at(2));
    expect((await store.documents.findVersion("doc", String(a.version.id)))?.hash).toBe("abcd1234");
    expect((await store.documents.findVersion("doc", `#${a.version.id}`))?.hash).toBe("abcd1234");
    expect((await store.documents.findVersion("doc", " ABCD "))?.hash).toBe("abcd1234");
    expect(await store.documents.findVersion("doc", "abc")).toBeUndefined();
    expect(await store.documents.findVersion("doc", "ab%d")).toBeUndefined();
    expect(await store.documents.findVersion("other", "abcd")).toBeUndefined();
  });

  it("keeps the last raw page's gzipped bytes and returns them intact", async () => {
    const store = await freshStore(kind);
    const html = `<main>Überall — 隐私政策 ${"x".repeat(100_000)}</main>`;
    await store.documents.saveRawPage({
      documentId: "doc",
      rawHash: "r1",
      gzippedHtml: gzipSync(html),
      fetchedAt: at(0),
    });
    const second = gzipSync(`${html}!`);
    await store.documents.saveRawPage({
      documentId: "doc",
      rawHash: "r2",
      gzippedHtml: new Uint8Array(second),
      fetchedAt: at(1),
    });
    const page = await store.documents.rawPage("doc");
    expect(page).toMatchObject({ documentId: "doc", rawHash: "r2", fetchedAt: at(1) });
    expect(Buffer.from(page?.gzippedHtml ?? []).equals(second)).toBe(true);
    expect(gunzipSync(page?.gzippedHtml ?? new Uint8Array()).toString("utf8")).toBe(`${html}!`);
    expect(await store.documents.rawPage("none")).toBeUndefined();
  });

  it("review flags read concurrently all answer, each with its own copy, and a write is seen by the next read", async () => {
    const store = await freshStore(kind);
    await store.documents.flagForReview({ providerId: "a", documentId: "d1", versionId: 1, since: at(1) });
    const reads = await Promise.all(Array.from({ length: 20 }, () => store.documents.reviewFlags()));
    for (const flags of reads)
      expect(flags).toEqual([{ providerId: "a", documentId: "d1", versionId: 1, since: at(1) }]);
    reads[0]?.splice(0);
    expect(reads[1]).toHaveLength(1);
    // A read in flight while the flag is cleared: the read after the clear never joins it.
    const during = store.documents.reviewFlags();
    expect(await store.documents.clearReview("a")).toBe(true);
    expect(await store.documents.reviewFlags()).toEqual([]);
    await during;
    const racing = store.documents.reviewFlags();
    await store.documents.flagForReview({ providerId: "c", documentId: "d2", versionId: null, since: at(2) });
    expect(await store.documents.reviewFlags()).toEqual([
      { providerId: "c", documentId: "d2", versionId: null, since: at(2) },
    ]);
    await racing;
  });

  it("review flags keep their first time; broken links keep their first time and take the new reason", async () => {
    const store = await freshStore(kind);
    await store.documents.flagForReview({ providerId: "b", documentId: "d1", versionId: 1, since: at(1) });
    await store.documents.flagForReview({ providerId: "b", documentId: "d2", versionId: null, since: at(2) });
    await store.documents.flagForReview({ providerId: "a", documentId: "d3", versionId: 3, since: at(3) });
    expect(await store.documents.reviewFlags()).toEqual([
      { providerId: "a", documentId: "d3", versionId: 3, since: at(3) },
      { providerId: "b", documentId: "d2", versionId: null, since: at(1) },
    ]);
    expect(await store.documents.clearReview("b")).toBe(true);
    expect(await store.documents.clearReview("b")).toBe(false);
    await store.documents.markLinkBroken({
      providerId: "p",
      url: "https://x/b",
      reason: "HTTP 404",
      since: at(1),
    });
    await store.documents.markLinkBroken({
      providerId: "p",
      url: "https://x/b",
      reason: "HTTP 410",
      since: at(2),
    });
    await store.documents.markLinkBroken({
      providerId: "p",
      url: "https://x/a",
      reason: "HTTP 404",
      since: at(3),
    });
    expect(await store.documents.brokenLinks()).toEqual([
      { providerId: "p", url: "https://x/a", reason: "HTTP 404", since: at(3) },
      { providerId: "p", url: "https://x/b", reason: "HTTP 410", since: at(1) },
    ]);
    expect(await store.documents.clearBrokenLink("p", "https://x/b")).toBe(true);
    expect(await store.documents.clearBrokenLink("p", "https://x/b")).toBe(false);
  });
});
