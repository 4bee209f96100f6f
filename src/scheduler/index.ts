import type { Logger } from "@slack/logger";
import cron, { type ScheduledTask } from "node-cron";
import type { Coordinator, JobOutcome } from "../coordination/index.js";

/**
 * Runs the bot's background jobs on node-cron schedules. Holds no job logic: each concern (deadline
 * check, outbox drain, policy check, reminder wake-ups) hands in a `{ name, cron, run }` and main.ts wires
 * the list. A job never overlaps itself: a tick that finds the previous run still going is skipped.
 * `stop()` stops the clocks, asks jobs to wind down (`job.stop`, e.g. the deliverer stops taking rows),
 * and resolves once every run in flight has finished — so a delivery in flight is recorded, not lost.
 */
export interface Job {
  name: string;
  /** node-cron expression: 5 fields, or 6 with seconds. */
  cron: string;
  /**
   * `signal` aborts (reason LeadershipLost) when this instance stops leading the job mid-run: check it
   * before each write or claim (`signal.throwIfAborted()`), since another instance may run the job now.
   */
  run: (signal: AbortSignal) => unknown;
  /** Also run once right away (e.g. drain the outbox after a restart). */
  runOnStart?: boolean;
  /** Called when the scheduler stops, before waiting for the run in flight. */
  stop?: () => unknown;
  /** Runs on every instance, not once per tick across them (it divides its work itself). */
  everyInstance?: boolean;
}

export interface Scheduler {
  stop(): Promise<void>;
  /** Runs a job now unless it is running (same overlap rule as a tick). Resolves when that run ends. */
  runNow(name: string): Promise<void>;
  /** Names of the jobs running right now. */
  running(): string[];
  /** When each job next fires (in real time; schedules are read in DEFAULT_TIMEZONE). */
  nextRuns(): Record<string, Date | null>;
}

export interface SchedulerDeps {
  logger: Logger;
  config: { DEFAULT_TIMEZONE: string };
  /** Decides which instance runs a job for a tick; without one every job runs here. */
  coordinator?: Pick<Coordinator, "exclusive">;
}

/** For a job no coordinator decides on (every instance runs it, or a single process): it always leads. */
const ALWAYS_LEADING = new AbortController().signal;

export function startScheduler(deps: SchedulerDeps, jobs: readonly Job[]): Scheduler {
  const { logger } = deps;
  const inFlight = new Map<string, Promise<void>>();
  const tasks: ScheduledTask[] = [];
  let stopped = false;
  const names = new Set<string>();
  for (const job of jobs) {
    if (names.has(job.name)) throw new Error(`scheduler: two jobs are named ${job.name}`);
    if (!cron.validate(job.cron))
      throw new Error(`scheduler: job ${job.name} has an invalid cron expression "${job.cron}"`);
    names.add(job.name);
  }

  /** `tick`: when the schedule fired (whole seconds, the same on every instance); null at start or on demand. */
  function trigger(job: Job, tick: Date | null): Promise<void> {
    const current = inFlight.get(job.name);
    if (current !== undefined) {
      logger.debug(`job ${job.name}: previous run still going, skipping this tick`);
      return current;
    }
    if (stopped) return Promise.resolve();
    const startedAt = Date.now();
    // Started on the next microtask so the run is registered before it can finish (a job may throw at once).
    const run = Promise.resolve().then(async () => {
      try {
        const coordinator = job.everyInstance ? undefined : deps.coordinator;
        let outcome: JobOutcome = "ran";
        if (coordinator)
          outcome = await coordinator.exclusive(job.name, tick, async (signal) => {
            await job.run(signal);
          });
        else await job.run(ALWAYS_LEADING);
        if (outcome === "ran") logger.debug(`job ${job.name}: done in ${Date.now() - startedAt} ms`);
      } catch (err) {
        logger.error(`job ${job.name} failed: ${(err as Error).stack ?? String(err)}`);
      } finally {
        inFlight.delete(job.name);
      }
    });
    inFlight.set(job.name, run);
    return run;
  }

  const cronLogger = {
    info: (m: string) => logger.debug(`node-cron: ${m}`),
    warn: (m: string) => logger.warn(`node-cron: ${m}`),
    error: (m: string | Error) => logger.error(`node-cron: ${String(m)}`),
    debug: (m: string | Error) => logger.debug(`node-cron: ${String(m)}`),
  };
  for (const job of jobs) {
    tasks.push(
      cron.schedule(
        job.cron,
        (context) => {
          void trigger(job, new Date(Math.floor(context.date.getTime() / 1000) * 1000));
        },
        { name: job.name, timezone: deps.config.DEFAULT_TIMEZONE, logger: cronLogger },
      ),
    );
    if (job.runOnStart) void trigger(job, null);
  }

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.allSettled(jobs.map(async (j) => j.stop?.()));
      await Promise.allSettled([...inFlight.values()]);
    },
    runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) return Promise.reject(new Error(`scheduler: no job named ${name}`));
      return trigger(job, null);
    },
    running: () => [...inFlight.keys()],
    nextRuns: () => Object.fromEntries(jobs.map((j, i) => [j.name, tasks[i]?.getNextRun() ?? null])),
  };
}

/**
 * The shortest gap between two consecutive firings of a cron expression over its next `sample` runs (in
 * `timezone`), or undefined when it fires fewer than twice. A schedule like "0 9,10 * * *" has gaps of 1 h
 * and 23 h: the shortest one is what a per-run delay must stay well inside so no tick is swallowed.
 */
export function shortestCronIntervalMs(
  expression: string,
  timezone: string,
  sample = 12,
): number | undefined {
  // createTask does not start the task; destroy() removes it from node-cron's registry again.
  const task = cron.createTask(expression, () => {}, { timezone });
  try {
    const runs = task.getNextRuns(sample).map((d) => d.getTime());
    let shortest: number | undefined;
    for (let i = 1; i < runs.length; i++) {
      const gap = runs[i]! - runs[i - 1]!;
      if (gap > 0 && (shortest === undefined || gap < shortest)) shortest = gap;
    }
    return shortest;
  } finally {
    void task.destroy();
  }
}
