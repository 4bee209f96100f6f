import type { Logger } from "@slack/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher, type HttpFetcher, runPolicyCheck } from "../../src/monitor/index.js";
import { createDeliverer, createDeliveryClient } from "../../src/outbox/index.js";
import { FakeSlack } from "../support/fake-slack.js";
import { openTestStore } from "../support/store.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { BASE_PARAGRAPHS, policyPage } from "./support/pages.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

/** Monitor → outbox → the real deliverer → loopback fake Slack: what the channel actually sees. */

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => "error" as never,
  setName: () => {},
};

let site: PolicySite;
let fake: FakeSlack;
let fetcher: HttpFetcher;

beforeAll(async () => {
  site = await startPolicySite();
  fake = new FakeSlack();
  await fake.start();
  fetcher = createFetcher({ jitterMaxMs: 0 });
});
afterAll(async () => {
  await fetcher.close();
  await fake.stop();
  await site.close();
});

describe("policy change delivered to Slack", () => {
  it("posts one announcement with its diff in the thread, and nothing for churn", async () => {
    const store = await openTestStore();
    const fast = { perSecond: 1000, burst: 1000 };
    const deliverer = createDeliverer({
      store,
      client: createDeliveryClient("xoxb-test", fake.apiUrl),
      logger: silent,
      pacing: { channel: fast, workspace: fast },
      backoff: { baseMs: 10, capMs: 50 },
    });
    await store.subscriptions.upsert({
      teamId: "T1",
      channelId: "CPOLICY",
      providerId: "acme",
      kinds: ["changes"],
      createdBy: "ULEAD",
      now: new Date("2025-06-01T00:00:00Z"),
    });
    const catalog = testCatalog(testProvider("acme", [{ id: "acme-terms", url: `${site.url}/terms` }]));
    let day = 1;
    const check = async () => {
      await runPolicyCheck({ store, catalog, now: new Date(Date.UTC(2025, 5, day++)), fetcher });
      await deliverer.drain();
    };

    site.set("/terms", { body: policyPage(BASE_PARAGRAPHS) });
    await check();
    site.set("/terms", { body: policyPage(BASE_PARAGRAPHS, { churn: true }) });
    await check();
    expect(fake.messagesIn("CPOLICY")).toHaveLength(0);

    site.set("/terms", { body: policyPage([...BASE_PARAGRAPHS, "We now share chats with advertisers."]) });
    await check();
    await check();
    const posted = fake.messagesIn("CPOLICY");
    const parents = posted.filter((m) => !m.thread_ts);
    const replies = posted.filter((m) => m.thread_ts);
    expect(parents).toHaveLength(1);
    expect(JSON.stringify(parents[0]!.blocks)).toContain("We now share chats with advertisers.");
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((r) => r.thread_ts === parents[0]!.ts)).toBe(true);
    await deliverer.stop();
    await store.close();
  });
});
