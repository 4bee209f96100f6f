import { whileLeading } from "../coordination/index.js";
import type { AppDeps } from "../deps.js";
import type { Deliverer } from "../outbox/index.js";
import type { Job } from "../scheduler/index.js";
import { type CatalogChange, runCatalogCheck } from "./catalog-changes.js";
import { runDeadlineCheck } from "./run-deadlines.js";
import { runStaleNotice } from "./stale-notice.js";

export interface AnnouncementJobOptions {
  deliverer: Deliverer;
  /**
   * Called after catalog changes were announced (e.g. reminders re-ask people whose steps changed), with
   * the run's store: it refuses work once this instance stopped leading the job (coordination's whileLeading).
   */
  onCatalogChanges?: (changes: CatalogChange[], store: AppDeps["store"]) => unknown;
}

/**
 * The announcement jobs: "announcements" (catalog changes, then deadlines; DEADLINE_CHECK_CRON, also at
 * start) decides and enqueues; "outbox" (OUTBOX_CRON, also at start) is the only one that talks to Slack.
 */
export function announcementJobs(
  deps: Pick<AppDeps, "store" | "catalog" | "now" | "config" | "logger">,
  options: AnnouncementJobOptions,
): Job[] {
  return [
    {
      name: "announcements",
      cron: deps.config.DEADLINE_CHECK_CRON,
      runOnStart: true,
      run: async (signal) => {
        const led = { ...deps, store: whileLeading(deps.store, signal) };
        // Independent steps: a problem with one (logged by the scheduler) must not silence the other.
        const results = await Promise.allSettled([
          (async () => {
            const catalog = await runCatalogCheck(led);
            if (!catalog.changes.length) return;
            const names = catalog.changes.map((c) => c.providerId).join(", ");
            deps.logger.info(`catalog changed for ${names}: ${catalog.enqueued} announcement(s) queued`);
            await options.onCatalogChanges?.(catalog.changes, led.store);
          })(),
          (async () => {
            const deadlines = await runDeadlineCheck(led);
            if (deadlines.enqueued)
              deps.logger.info(`deadlines: ${deadlines.enqueued} announcement(s) queued`);
          })(),
          (async () => {
            if (await runStaleNotice(led)) deps.logger.info("catalog: weekly notice of stale entries queued");
          })(),
        ]);
        // Lost the lock mid-run: the coordinator reports that once, instead of as this job's failure.
        signal.throwIfAborted();
        const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
        if (failures.length) throw new AggregateError(failures, failures.map((f) => f.message).join("; "));
      },
    },
    {
      name: "outbox",
      cron: deps.config.OUTBOX_CRON,
      runOnStart: true,
      // Every instance drains; each posts only for the workspaces whose partition it holds.
      everyInstance: true,
      run: async () => {
        const stats = await options.deliverer.drain();
        if (stats.sent + stats.failed + stats.recovered > 0) {
          deps.logger.info(
            `outbox: sent ${stats.sent}, recovered ${stats.recovered}, failed ${stats.failed}, deferred ${stats.deferred}`,
          );
        }
      },
      stop: () => options.deliverer.stop(),
    },
  ];
}
