import { announcementJobs } from "./announce/index.js";
import { type DeliveryPartitions, whileLeading } from "./coordination/index.js";
import type { AppDeps } from "./deps.js";
import { checkJitterBoundMs, jitterMs, runLinkCheck, runPolicyCheck } from "./monitor/index.js";
import { createDeliverer, createDeliveryClient, type Deliverer } from "./outbox/index.js";
import {
  escalationJob,
  recheckForCatalogChanges,
  recheckForPolicyChanges,
  recipientGoneHook,
  reminderJob,
} from "./reminders/index.js";
import { type Job, shortestCronIntervalMs } from "./scheduler/index.js";
import type { SlackApi } from "./slack/index.js";
import { linksFor } from "./web/index.js";

const DAY_MS = 86_400_000;
const HOUSEKEEPING_CRON = "41 3 * * *";

/**
 * Delivered outbox rows are kept RETENTION_DAYS, and never less than the longest deadline lead time plus
 * two days: until then the deadline planner could decide the same announcement again, and the row's key is
 * what stops it being sent twice.
 */
export function outboxPurgeHorizon(
  now: Date,
  config: Pick<AppDeps["config"], "RETENTION_DAYS" | "DEADLINE_LEAD_DAYS">,
): Date {
  const keepDays = Math.max(config.RETENTION_DAYS, Math.max(0, ...config.DEADLINE_LEAD_DAYS) + 2);
  return new Date(now.getTime() - keepDays * DAY_MS);
}

/**
 * The read API of one workspace for jobs that run without an incoming request (distributed mode: its own
 * installation's token; undefined once it is uninstalled).
 */
function slackForTeam(deps: AppDeps): (teamId: string) => Promise<SlackApi | undefined> {
  const { distributed } = deps;
  if (!distributed) return async () => deps.slack;
  return async (teamId) => {
    const token = await distributed.workspaces.tokenFor(teamId);
    return token ? distributed.slackFor(token) : undefined;
  };
}

export interface BackgroundWork {
  jobs: Job[];
  deliverer: Deliverer;
  /** Upper bound of the policy check's random start delay for this POLICY_CHECK_CRON. */
  policyJitterBoundMs: number;
}

/**
 * Every background job, wired from the concerns' public surfaces. Jobs decide and enqueue; the outbox job's
 * deliverer is the only code that posts to Slack.
 */
export function backgroundJobs(
  deps: AppDeps,
  options: { policyJitterMs?: number; partitions?: DeliveryPartitions } = {},
): BackgroundWork {
  const { config, logger, distributed } = deps;
  const deliverer = createDeliverer({
    store: deps.store,
    // Distributed mode: each row's own workspace token (install/workspaces.ts).
    client: distributed
      ? { forTeam: (teamId: string) => distributed.workspaces.clientFor(teamId) }
      : createDeliveryClient(
          config.slackAuth.mode === "single" ? config.slackAuth.botToken : "",
          config.SLACK_API_URL,
          { logger },
        ),
    logger,
    now: deps.now,
    ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
    // A person deactivated mid-campaign: stop their reminders at the first "no such user".
    onRecipientGone: recipientGoneHook(deps),
    // Several instances: only the workspaces whose delivery partition this instance holds.
    ...(options.partitions ? { partitions: options.partitions } : {}),
  });
  let stopping = false;
  // The start delay stays inside the schedule's own period (README, "Policy monitor"): 10 % of the
  // shortest gap between two runs, at most 5 minutes.
  const policyJitterBoundMs = checkJitterBoundMs(
    shortestCronIntervalMs(config.POLICY_CHECK_CRON, config.DEFAULT_TIMEZONE),
  );
  const policyCheck: Job = {
    name: "policy-check",
    cron: config.POLICY_CHECK_CRON,
    // Jitter spreads the load on providers' sites when many installations share the default schedule.
    run: async (signal) => {
      const delay = options.policyJitterMs ?? jitterMs(policyJitterBoundMs);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (stopping) return;
      const led = { ...deps, store: whileLeading(deps.store, signal) };
      const results = await runPolicyCheck({
        store: led.store,
        catalog: deps.catalog,
        now: deps.now,
        leadsToNotify: config.ADMIN_USER_IDS,
        ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
        ...(config.PUBLIC_URL ? { changeUrl: linksFor(config.PUBLIC_URL).change } : {}),
      });
      const asked = await recheckForPolicyChanges(led, results, deps.now());
      const changed = results.filter((r) => r.status === "changed" && !r.seenBefore).length;
      // Settings-link health rides on the same schedule and jitter (README, "Link health").
      const links = await runLinkCheck({
        store: led.store,
        catalog: deps.catalog,
        now: deps.now,
        leadsToNotify: config.ADMIN_USER_IDS,
        ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
      });
      const broken = links.filter((l) => l.verdict.kind === "broken").length;
      logger.info(
        `policy check: ${results.length} documents, ${changed} changed, ${asked} re-check requests; ${links.length} links, ${broken} may be broken`,
      );
    },
    stop: () => {
      stopping = true;
    },
  };
  const housekeeping: Job = {
    name: "housekeeping",
    cron: HOUSEKEEPING_CRON,
    runOnStart: true,
    run: async (signal) => {
      const purged = await whileLeading(deps.store, signal).outbox.purgeFinishedBefore(
        outboxPurgeHorizon(deps.now(), config),
      );
      if (purged) logger.info(`housekeeping: removed ${purged} delivered outbox rows`);
    },
  };
  const jobs: Job[] = [
    ...announcementJobs(deps, {
      deliverer,
      onCatalogChanges: (changes, store) => recheckForCatalogChanges({ ...deps, store }, changes, deps.now()),
    }),
    policyCheck,
    reminderJob({ ...deps, slackForTeam: slackForTeam(deps) }),
    escalationJob(deps),
    housekeeping,
  ];
  return { jobs, deliverer, policyJitterBoundMs };
}
