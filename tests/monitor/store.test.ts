import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openTestStore } from "../support/store.js";

/** The monitor's SQLite repository: versions, raw pages and review flags. */

const version = (hash: string, text = `text ${hash}`) => ({
  documentId: "doc",
  providerId: "acme",
  hash,
  rawHash: `raw-${hash}`,
  text,
  effectiveDate: null,
  baseline: false,
});

describe("sqlite document repository", () => {
  it("records each distinct text once and knows when a text comes back", async () => {
    const store = await openTestStore();
    const t = (day: number) => new Date(Date.UTC(2025, 0, day));
    const a = await store.documents.recordVersion(version("aaaa1111"), t(1));
    const b = await store.documents.recordVersion(version("bbbb2222"), t(2));
    const again = await store.documents.recordVersion(version("aaaa1111"), t(3));
    expect([a.seenBefore, b.seenBefore, again.seenBefore]).toEqual([false, false, true]);
    expect(again.version).toMatchObject({ id: a.version.id, firstSeenAt: t(1), lastSeenAt: t(3) });
    expect((await store.documents.versions("doc")).map((v) => [v.id, v.chars])).toEqual([
      [b.version.id, 13],
      [a.version.id, 13],
    ]);
    expect((await store.documents.previousVersion("doc", b.version.id))?.id).toBe(a.version.id);
    expect((await store.documents.findVersion("doc", "bbbb"))?.id).toBe(b.version.id);
  });

  it("keeps the last raw page (gzipped by the monitor) and returns its bytes intact", async () => {
    const store = await openTestStore();
    const html = `<main>Überall — 隐私政策 ${"x".repeat(100_000)}</main>`;
    const gzippedHtml = (s: string) => new Uint8Array(gzipSync(s));
    await store.documents.saveRawPage({
      documentId: "doc",
      rawHash: "r1",
      gzippedHtml: gzippedHtml(html),
      fetchedAt: new Date(0),
    });
    await store.documents.saveRawPage({
      documentId: "doc",
      rawHash: "r2",
      gzippedHtml: gzippedHtml(`${html}!`),
      fetchedAt: new Date(1),
    });
    const raw = await store.documents.rawPage("doc");
    expect(raw?.rawHash).toBe("r2");
    expect(gunzipSync(raw!.gzippedHtml).toString("utf8")).toBe(`${html}!`);
    expect(await store.documents.rawPage("other")).toBeUndefined();
  });

  it("keeps the first time a provider was flagged for review until it is cleared", async () => {
    const store = await openTestStore();
    await store.documents.flagForReview({
      providerId: "acme",
      documentId: "help",
      versionId: 1,
      since: new Date(10),
    });
    await store.documents.flagForReview({
      providerId: "acme",
      documentId: "help",
      versionId: 2,
      since: new Date(20),
    });
    expect(await store.documents.reviewFlags()).toEqual([
      { providerId: "acme", documentId: "help", versionId: 2, since: new Date(10) },
    ]);
    expect(await store.documents.clearReview("acme")).toBe(true);
    expect(await store.documents.clearReview("acme")).toBe(false);
  });
});
