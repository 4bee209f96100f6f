import type { AppDeps } from "../deps.js";
import type { Job } from "../scheduler/index.js";
import { type CatalogChange, runCatalogCheck } from "./catalog-changes.js";
import type { Deliverer } from "./deliver.js";
import { runDeadlineCheck } from "./run-deadlines.js";

export interface AnnouncementJobOptions {
  deliverer: Deliverer;
  /** Called after catalog changes were announced (e.g. reminders re-ask people whose steps changed). */
  onCatalogChanges?: (changes: CatalogChange[]) => unknown;
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
      run: async () => {
        const catalog = runCatalogCheck(deps);
        if (catalog.changes.length) {
          deps.logger.info(
            `catalog changed for ${catalog.changes.map((c) => c.providerId).join(", ")}: ${catalog.enqueued} announcement(s) queued`,
          );
          await options.onCatalogChanges?.(catalog.changes);
        }
        const deadlines = runDeadlineCheck(deps);
        if (deadlines.enqueued) deps.logger.info(`deadlines: ${deadlines.enqueued} announcement(s) queued`);
      },
    },
    {
      name: "outbox",
      cron: deps.config.OUTBOX_CRON,
      runOnStart: true,
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
