import { afterEach, describe, expect, it } from "vitest";
import { announcementJobs } from "../../src/announce/index.js";
import { createDeliverer, createDeliveryClient } from "../../src/outbox/index.js";
import { type Job, type Scheduler, startScheduler } from "../../src/scheduler/index.js";
import type { Store } from "../../src/store/index.js";
import { fanOut, openStore, quietLogger, subscribe } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deps = (tz = "UTC") => ({ logger: quietLogger(), config: { DEFAULT_TIMEZONE: tz } });
const NEVER = "0 0 1 1 *";

const started: Scheduler[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});
const start = (...args: Parameters<typeof startScheduler>) => {
  const s = startScheduler(...args);
  started.push(s);
  return s;
};

describe("startScheduler", () => {
  it("runs a job on its cron schedule (6 fields: every second)", async () => {
    let runs = 0;
    start(deps(), [
      {
        name: "tick",
        cron: "* * * * * *",
        run: () => {
          runs += 1;
        },
      },
    ]);
    await sleep(2200);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(3);
  });

  it("never overlaps a job with itself: a tick that finds it running is skipped", async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const job: Job = {
      name: "slow",
      cron: "* * * * * *",
      run: async () => {
        runs += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(1600);
        concurrent -= 1;
      },
    };
    const s = start(deps(), [job]);
    await sleep(3300);
    await s.stop();
    expect(maxConcurrent).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
  });

  it("runOnStart runs at once; runNow shares the run in flight", async () => {
    let runs = 0;
    const s = start(deps(), [
      {
        name: "boot",
        cron: NEVER,
        runOnStart: true,
        run: async () => {
          runs += 1;
          await sleep(100);
        },
      },
    ]);
    expect(s.running()).toEqual(["boot"]);
    await s.runNow("boot");
    expect(runs).toBe(1);
    await s.runNow("boot");
    expect(runs).toBe(2);
    await expect(s.runNow("nope")).rejects.toThrow("no job named nope");
  });

  it("a failing job is logged and keeps its schedule", async () => {
    const d = deps();
    const s = start(d, [
      {
        name: "boom",
        cron: NEVER,
        run: () => {
          throw new Error("kaput");
        },
      },
    ]);
    await s.runNow("boom");
    await s.runNow("boom");
    expect(d.logger.lines.filter((l) => l.includes("job boom failed: Error: kaput")).length).toBe(2);
  });

  it("reads schedules in DEFAULT_TIMEZONE", async () => {
    const s = start(deps("America/New_York"), [{ name: "morning", cron: "0 9 * * *", run: () => {} }]);
    const next = s.nextRuns().morning!;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([13, 14]).toContain(next.getUTCHours()); // 09:00 in New York is 13:00 or 14:00 UTC
  });

  it("rejects invalid cron expressions and duplicate names up front", async () => {
    expect(() => startScheduler(deps(), [{ name: "x", cron: "every day", run: () => {} }])).toThrow(
      /invalid cron/,
    );
    expect(() =>
      startScheduler(deps(), [
        { name: "x", cron: NEVER, run: () => {} },
        { name: "x", cron: NEVER, run: () => {} },
      ]),
    ).toThrow(/two jobs/);
  });

  it("stop() calls job.stop hooks, waits for the run in flight, and starts nothing new", async () => {
    const order: string[] = [];
    const s = start(deps(), [
      {
        name: "work",
        cron: "* * * * * *",
        runOnStart: true,
        run: async () => {
          order.push("run:start");
          await sleep(400);
          order.push("run:end");
        },
        stop: () => void order.push("hook"),
      },
    ]);
    await sleep(50);
    await s.stop();
    order.push("stopped");
    await sleep(1200);
    expect(order).toEqual(["run:start", "hook", "run:end", "stopped"]);
  });

  it("stopping mid-fan-out lets the delivery in flight finish and be recorded; the rest stays pending", async () => {
    const fake = new FakeSlack();
    await fake.start();
    const store = await openStore();
    try {
      const channels = ["C1", "C2", "C3", "C4", "C5"];
      for (const c of channels) await subscribe(store, c);
      await fanOut(store, channels);
      fake.inject("chat.postMessage", { kind: "delay", ms: 400 }, { channel: "C2" });
      const logger = quietLogger();
      const deliverer = createDeliverer({
        store,
        client: createDeliveryClient("xoxb-test", fake.apiUrl),
        logger,
        concurrency: 1,
      });
      const jobs = announcementJobs(
        {
          store,
          catalog: { providers: [], byId: () => undefined },
          now: () => new Date(),
          logger,
          config: {
            DEADLINE_CHECK_CRON: NEVER,
            OUTBOX_CRON: NEVER,
            DEADLINE_LEAD_DAYS: [3],
            DEFAULT_TIMEZONE: "UTC",
          } as never,
        },
        { deliverer },
      );
      const s = start({ logger, config: { DEFAULT_TIMEZONE: "UTC" } }, jobs);
      // Wait until C2's post is in flight (held 400 ms by "Slack"), then stop.
      while (!fake.callsTo("chat.postMessage").some((c) => c.args.channel === "C2")) await sleep(5);
      await s.stop();
      expect((await store.outbox.get("test:a1:C2"))?.status).toBe("sent");
      expect(fake.messages.map((m) => m.channel)).toEqual(["C1", "C2"]);
      expect(await store.outbox.counts()).toMatchObject({ sent: 2, pending: 3, sending: 0 });
    } finally {
      await store.close();
      await fake.stop();
    }
  });
});

describe("announcementJobs", () => {
  it("a failing catalog step does not stop the deadline step (and the failure is reported)", async () => {
    const store = await openStore();
    await subscribe(store, "C1");
    const today = new Date().toISOString().slice(0, 10);
    const provider = {
      id: "acme",
      name: "Acme",
      aliases: [],
      relatedSettings: [],
      deadlines: [{ id: "d", date: today, title: "Today", kind: "deadline", sources: [] }],
    };
    const catalog = { providers: [provider], byId: () => undefined } as never;
    const onFire = () => {
      throw new Error("disk on fire");
    };
    // The catalog step reads its snapshots inside its transaction: break kv there too.
    const broken: Store = {
      ...store,
      kv: { ...store.kv, get: onFire },
      transaction: (fn) => store.transaction((tx) => fn({ ...tx, kv: { ...tx.kv, get: onFire } })),
    };
    const logger = quietLogger();
    const [announce] = announcementJobs(
      {
        store: broken,
        catalog,
        now: () => new Date(),
        logger,
        config: {
          DEADLINE_CHECK_CRON: NEVER,
          OUTBOX_CRON: NEVER,
          DEADLINE_LEAD_DAYS: [0],
          DEFAULT_TIMEZONE: "UTC",
        } as never,
      },
      {
        deliverer: {
          drain: async () => ({ sent: 0, recovered: 0, failed: 0, deferred: 0, rateLimited: 0 }),
          stop: async () => {},
        },
      },
    );
    await expect(Promise.resolve(announce!.run(new AbortController().signal))).rejects.toThrow(
      "disk on fire",
    );
    expect(await store.outbox.get("deadline:acme/d:0:C1")).toBeDefined();
    await store.close();
  });
});
