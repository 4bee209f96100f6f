import { afterEach, describe, expect, it } from "vitest";
import type { Coordinator } from "../../src/coordination/index.js";
import { type Scheduler, startScheduler } from "../../src/scheduler/index.js";
import { quietLogger } from "../announce/helpers.js";

const started: Scheduler[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

/** A coordinator double that records what it was asked and lets only the listed jobs run. */
function gate(allowed: string[]) {
  const leading = new AbortController();
  const asked: { job: string; tick: Date | null }[] = [];
  const coordinator: Pick<Coordinator, "exclusive"> = {
    async exclusive(job, tick, run) {
      asked.push({ job, tick });
      if (!allowed.includes(job)) return "skipped";
      await run(leading.signal);
      return "ran";
    },
  };
  return { asked, coordinator };
}

describe("scheduler with a run coordinator", () => {
  it("runs a job only when the coordinator lets this instance have it; everyInstance jobs always run", async () => {
    const { asked, coordinator } = gate(["mine"]);
    const ran: string[] = [];
    const s = startScheduler({ logger: quietLogger(), config: { DEFAULT_TIMEZONE: "UTC" }, coordinator }, [
      { name: "mine", cron: "0 0 1 1 *", run: () => void ran.push("mine") },
      { name: "theirs", cron: "0 0 1 1 *", run: () => void ran.push("theirs") },
      { name: "outbox", cron: "0 0 1 1 *", everyInstance: true, run: () => void ran.push("outbox") },
    ]);
    started.push(s);
    await Promise.all([s.runNow("mine"), s.runNow("theirs"), s.runNow("outbox")]);
    expect(ran.sort()).toEqual(["mine", "outbox"]);
    // Runs on demand (and at start) have no tick; the outbox is never put to the coordinator.
    expect(asked).toEqual([
      { job: "mine", tick: null },
      { job: "theirs", tick: null },
    ]);
  });

  it("passes the tick the schedule fired for, in whole seconds", async () => {
    const { asked, coordinator } = gate(["tick"]);
    let runs = 0;
    const s = startScheduler({ logger: quietLogger(), config: { DEFAULT_TIMEZONE: "UTC" }, coordinator }, [
      { name: "tick", cron: "* * * * * *", run: () => void runs++ },
    ]);
    started.push(s);
    while (runs === 0) await new Promise((r) => setTimeout(r, 50));
    const tick = asked[0]?.tick;
    expect(tick).toBeInstanceOf(Date);
    expect(tick!.getTime() % 1000).toBe(0);
  });
});
