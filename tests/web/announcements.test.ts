import type { ActionsBlock, Button } from "@slack/types";
import { describe, expect, it } from "vitest";
import { type FetchOutcome, runPolicyCheck } from "../../src/monitor/index.js";
import { createWebSurface, linksFor } from "../../src/web/index.js";
import { testCatalog, testProvider } from "../monitor/support/catalog.js";
import { BASE_PARAGRAPHS, fetchedPage, policyPage } from "../monitor/support/pages.js";
import { openTestStore } from "../support/store.js";

/** With PUBLIC_URL, a change announcement links to its change page instead of posting the diff in the thread. */

const PUBLIC_URL = "https://privacy-bot.example.com";

async function announce(changeUrl?: (versionId: number) => string) {
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
    testProvider("acme", [{ id: "acme-privacy", url: "https://acme.example/privacy" }]),
  );
  let page = policyPage(BASE_PARAGRAPHS);
  const fetcher = async (): Promise<FetchOutcome> => fetchedPage(page);
  const run = (day: number) =>
    runPolicyCheck({
      store,
      catalog,
      fetcher,
      now: new Date(Date.UTC(2026, 0, day)),
      ...(changeUrl ? { changeUrl } : {}),
    });
  await run(1);
  page = policyPage(BASE_PARAGRAPHS.map((p) => p.replace("30 days", "5 years")));
  const [result] = await run(2);
  const rows = await store.outbox.list({});
  return { store, catalog, result, rows };
}

const buttonsOf = (blocks: unknown[]) =>
  (blocks as ActionsBlock[]).filter((b) => b.type === "actions").flatMap((b) => b.elements as Button[]);

describe("change announcements and the web surface", () => {
  it("link to the change page ('See the whole change') and post no thread diff", async () => {
    const links = linksFor(PUBLIC_URL);
    const { store, catalog, result, rows } = await announce(links.change);
    expect(result?.status).toBe("changed");
    expect(rows.filter((r) => r.kind === "policy-change-diff")).toHaveLength(0);
    const parent = rows.find((r) => r.kind === "policy-change");
    const see = buttonsOf(parent?.payload.blocks ?? []).find((b) => b.text.text === "See the whole change");
    expect(see?.url).toBe(`${PUBLIC_URL}/changes/${result?.versionId}`);
    expect(JSON.stringify(parent?.payload.blocks)).not.toContain("in the thread");
    // The linked page exists and shows this change.
    const web = createWebSurface({
      publicUrl: PUBLIC_URL,
      store,
      catalog,
      now: () => new Date(Date.UTC(2026, 0, 3)),
      timeZone: "UTC",
      logger: { error: () => undefined },
    });
    const server = await web.listen(0, "127.0.0.1");
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/changes/${result?.versionId}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<del>30( days)?<\/del>.*<ins>5( years)?<\/ins>/);
    } finally {
      await server.close();
    }
  });

  it("keep today's thread diff and no web link without PUBLIC_URL", async () => {
    const { rows } = await announce();
    expect(rows.filter((r) => r.kind === "policy-change-diff").length).toBeGreaterThan(0);
    const parent = rows.find((r) => r.kind === "policy-change");
    expect(buttonsOf(parent?.payload.blocks ?? []).map((b) => b.text.text)).toEqual([
      "Open the page",
      "Show me the steps",
    ]);
    expect(JSON.stringify(parent?.payload)).not.toContain(PUBLIC_URL);
  });
});
