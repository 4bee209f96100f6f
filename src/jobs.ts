import { announcementJobs, createDeliverer, createDeliveryClient, type Deliverer } from "./announce/index.js";
import type { AppDeps } from "./deps.js";
import { jitterMs, runPolicyCheck } from "./monitor/index.js";
import { recheckForCatalogChanges, recheckForPolicyChanges, reminderJob } from "./reminders/index.js";
import type { Job } from "./scheduler/index.js";

export interface BackgroundWork {
  jobs: Job[];
  deliverer: Deliverer;
}

/**
 * Every background job, wired from the concerns' public surfaces. Jobs decide and enqueue; the outbox job's
 * deliverer is the only code that posts to Slack.
 */
export function backgroundJobs(deps: AppDeps, options: { policyJitterMs?: number } = {}): BackgroundWork {
  const { config, logger } = deps;
  const deliverer = createDeliverer({
    store: deps.store,
    client: createDeliveryClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, { logger }),
    logger,
    now: deps.now,
    ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
  });
  let stopping = false;
  const policyCheck: Job = {
    name: "policy-check",
    cron: config.POLICY_CHECK_CRON,
    // Jitter spreads the load on providers' sites when many installations share the default schedule.
    run: async () => {
      const delay = options.policyJitterMs ?? jitterMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (stopping) return;
      const results = await runPolicyCheck({
        store: deps.store,
        catalog: deps.catalog,
        now: deps.now,
        leadsToNotify: config.ADMIN_USER_IDS,
        ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
      });
      const asked = recheckForPolicyChanges(deps, results, deps.now());
      const changed = results.filter((r) => r.status === "changed" && !r.seenBefore).length;
      logger.info(
        `policy check: ${results.length} documents, ${changed} changed, ${asked} re-check requests`,
      );
    },
    stop: () => {
      stopping = true;
    },
  };
  const jobs: Job[] = [
    ...announcementJobs(deps, {
      deliverer,
      onCatalogChanges: (changes) => recheckForCatalogChanges(deps, changes, deps.now()),
    }),
    policyCheck,
    reminderJob(deps),
  ];
  return { jobs, deliverer };
}
