import { describe, expect, it } from "vitest";
import { createLocalCoordinator } from "../../src/coordination/index.js";
import { createHealth } from "../../src/health/index.js";
import { quietLogger } from "../announce/helpers.js";

describe("/healthz leads", () => {
  it("lists the jobs and partitions this instance leads, read fresh on every poll", async () => {
    const coordinator = createLocalCoordinator();
    const ok = async () => ({ ok: true as const });
    const health = createHealth({
      version: "test",
      mode: "http",
      startedAt: new Date(),
      now: () => new Date(),
      logger: quietLogger(),
      checks: { slack: ok, database: ok },
      leads: () => coordinator.leads(),
    });
    expect((await health.report()).body.leads).toMatchObject({ jobs: [], partitions: 1, partitionsTotal: 1 });
    let during: unknown;
    await coordinator.exclusive("policy-check", new Date("2026-12-02T09:00:00Z"), async () => {
      during = (await health.report()).body.leads;
    });
    expect(during).toMatchObject({ mode: "single", lockSession: true, jobs: ["policy-check"] });
    expect((await health.report()).body.leads).toMatchObject({
      jobs: [],
      lastRuns: { "policy-check": "2026-12-02T09:00:00.000Z" },
    });
  });
});
