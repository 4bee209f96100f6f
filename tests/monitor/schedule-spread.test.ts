import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { backgroundJobs } from "../../src/jobs.js";
import { checkJitterBoundMs, DEFAULT_CHECK_JITTER_MS, jitterMs } from "../../src/monitor/index.js";
import { shortestCronIntervalMs } from "../../src/scheduler/index.js";
import { buildDeps } from "../../src/wiring.js";
import { quietLogger } from "../announce/helpers.js";
import { openTestStore } from "../support/store.js";

/** Issue 8, item 11: the policy check's start delay stays inside the schedule's own period. */
describe("policy-check start spread", () => {
  it("reads the shortest gap between two runs of a cron expression", async () => {
    expect(shortestCronIntervalMs("* * * * *", "UTC")).toBe(60_000);
    expect(shortestCronIntervalMs("17 */6 * * *", "UTC")).toBe(6 * 3_600_000);
    expect(shortestCronIntervalMs("0 9,10 * * *", "Europe/Berlin")).toBe(3_600_000);
    expect(shortestCronIntervalMs("*/10 * * * * *", "UTC")).toBe(10_000);
  });

  it("is at most 10 % of the period and never more than 5 minutes", async () => {
    expect(checkJitterBoundMs(60_000)).toBe(6_000);
    expect(checkJitterBoundMs(10 * 60_000)).toBe(60_000);
    expect(checkJitterBoundMs(6 * 3_600_000)).toBe(DEFAULT_CHECK_JITTER_MS);
    expect(checkJitterBoundMs(undefined)).toBe(DEFAULT_CHECK_JITTER_MS);
    for (const r of [0, 0.5, 0.999999])
      expect(jitterMs(checkJitterBoundMs(60_000), () => r)).toBeLessThan(6_000);
  });

  it.each([
    ["* * * * *", 6_000],
    ["*/30 * * * *", 180_000],
    ["17 */6 * * *", 300_000],
  ])("the wired policy-check job for POLICY_CHECK_CRON=%s waits at most %d ms", async (cron, bound) => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "abcdef0123456789abcdef",
      DATABASE_URL: "sqlite::memory:",
      POLICY_CHECK_CRON: cron,
    });
    const store = await openTestStore();
    const deps = await buildDeps(config, { store, logger: quietLogger() });
    expect(backgroundJobs(deps).policyJitterBoundMs).toBe(bound);
    await store.close();
  });
});
