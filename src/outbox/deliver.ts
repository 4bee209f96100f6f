import { setMaxListeners } from "node:events";
import { type ChatPostMessageArguments, WebClient } from "@slack/web-api";
import { createLocalCoordinator, type DeliveryPartitions } from "../coordination/index.js";
import type { OutboxRow, OutboxRowVersion } from "../store/index.js";
import { DEFAULT_PACING, type Deliverer, type DelivererOptions, type DrainStats } from "./client.js";
import { fetchDue } from "./due.js";
import { withMetadata } from "./enqueue.js";
import { classify } from "./errors.js";
import { findPosted } from "./history.js";
import { LaneRunner } from "./lanes.js";
import { createOutcomes, newDrainState } from "./outcomes.js";
import { createPacer } from "./pacer.js";
import { decide } from "./policy.js";

/**
 * The ONE deliverer: the only code that posts bot-initiated messages. It drains the outbox, paces per
 * channel and per workspace, honours Retry-After, retries network errors and 5xx with exponential backoff
 * and jitter, and turns permanent errors into a failed row + paused subscription + one notice.
 *
 * Crash safety: a row is marked `sending` (committed) before the call and `sent` after. A row found in
 * `sending` at start-up, or retried after an ambiguous error, may already be in Slack: its key travels in
 * the message metadata, so the channel's history is checked before posting it again.
 *
 * Several instances: a workspace's rows are posted only while this instance holds that workspace's
 * delivery partition (src/coordination/), so pacing per channel and per workspace stays in one process.
 * A partition just taken first has its rows left in `sending` by the previous holder recovered (checked
 * against history as above); without a coordinator every workspace is delivered here.
 */

export function createDeliverer(options: DelivererOptions): Deliverer {
  const { store, logger } = options;
  const single = options.client instanceof WebClient ? options.client : undefined;
  const perTeam = options.client instanceof WebClient ? undefined : options.client;
  const clock = options.now ?? (() => new Date());
  const rates = {
    channel: options.pacing?.channel ?? DEFAULT_PACING.channel,
    workspace: options.pacing?.workspace ?? DEFAULT_PACING.workspace,
  };
  // Posts between taking their workspace token and reaching Slack bunch up whenever the event loop or the
  // network stalls; with no more of them in flight than the workspace's burst, Slack never sees more at
  // once than twice that burst (what was in flight plus what the bucket refilled meanwhile).
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 16, Math.floor(rates.workspace.burst)));
  const batchSize = options.batchSize ?? 500;
  const lingerMs = options.lingerMs ?? 10_000;
  const settings = {
    maxAttempts: options.maxAttempts ?? 10,
    backoff: options.backoff ?? { baseMs: 2_000, capMs: 15 * 60_000 },
    random: options.random ?? Math.random,
  };
  const stopper = new AbortController();
  setMaxListeners(0, stopper.signal); // one listener per paced wait
  const pacer = createPacer(rates, stopper.signal);
  const partitions: DeliveryPartitions = options.partitions ?? createLocalCoordinator().partitions;
  let running: Promise<DrainStats> | undefined;

  async function runDrain(): Promise<DrainStats> {
    const state = newDrainState();
    const { stats, deadChannels, haltedTeams, retryTimes } = state;
    const { defer, fail, apply } = createOutcomes(
      {
        store,
        logger,
        clock,
        pacer,
        singleWorkspace: single !== undefined,
        opsChannelId: options.opsChannelId,
        onRecipientGone: options.onRecipientGone,
      },
      state,
    );
    const due = { store, logger, clock, partitions };
    let lastFetch = 0;
    /** The last query returned a full page: more rows are due than are queued. */
    let leftBehind = true;
    /** Workspaces whose partition went away during this drain: left alone until the next one. */
    const notOurs = new Set<string>();

    async function deliverOne(row: OutboxRow): Promise<Date | undefined> {
      const asRead: OutboxRowVersion = { status: "pending", attempts: row.attempts };
      if (row.subscriptionId !== null && !(await store.subscriptions.get(row.subscriptionId))) {
        await store.outbox.cancel(row.id, "unsubscribed before delivery", clock());
        return undefined;
      }
      const dead = deadChannels.get(`${row.teamId}/${row.channelId}`);
      // The recipient-gone hook may have cancelled this row after it was queued.
      if (dead && (await store.outbox.get(row.key))?.status === "cancelled") return undefined;
      if (dead) {
        await fail(row, asRead, dead, true);
        return undefined;
      }
      const teamHalt = haltedTeams.get(row.teamId);
      if (teamHalt) {
        await defer(row, asRead, teamHalt, Math.max(settings.backoff.capMs, 60_000));
        return undefined;
      }
      const client = single ?? (await perTeam?.forTeam(row.teamId));
      if (!client) {
        // Uninstalled (or never installed): no token will ever deliver it, so it must not wait forever.
        await store.outbox.cancel(
          row.id,
          `workspace ${row.teamId} has no installation (uninstalled?)`,
          clock(),
        );
        return undefined;
      }
      const threadTs = row.threadOf
        ? ((await store.outbox.get(row.threadOf))?.postedTs ?? undefined)
        : undefined;
      if (row.attempts > 0 && row.maybePosted) {
        try {
          const ts = await findPosted(client, row, threadTs);
          if (ts) {
            await store.outbox.markSent(row.id, ts, clock());
            stats.recovered += 1;
            return undefined;
          }
        } catch (err) {
          const failure = classify(err);
          if (failure.type === "rate-limited" || failure.type === "transient")
            // Still maybe posted: the history check itself failed (even a 429 proves nothing about the post).
            return await apply(row, asRead, decide(failure, row.attempts, row.channelId, settings), true);
          logger.warn(
            `outbox: cannot read history of ${row.channelId} (${failure.error}); posting ${row.key} again`,
          );
        }
      }
      if (!(await pacer.pace(row.teamId, row.channelId))) return undefined;
      // Posted only while this instance holds the workspace's partition; it is not handed over before leave().
      if (!partitions.enter(row.teamId)) {
        notOurs.add(row.teamId);
        pacer.settle(row.teamId, row.channelId);
        return undefined;
      }
      // `row` is what a due query read, perhaps before a lane (here or on another instance) posted it: a
      // query's answer can arrive after the lane that held the row let go of it. Only a row still pending
      // at the attempt count read is ours to post; anything else is another delivery's, already done or
      // under way, and posting this copy would double it.
      let claimed: boolean;
      try {
        claimed = await store.outbox.markSending(row.id, row.attempts, clock());
      } catch (err) {
        pacer.settle(row.teamId, row.channelId);
        partitions.leave(row.teamId);
        throw err;
      }
      if (!claimed) {
        pacer.settle(row.teamId, row.channelId);
        partitions.leave(row.teamId);
        logger.info(
          `outbox: ${row.key} changed since it was read (delivered or taken meanwhile); not posted`,
        );
        return undefined;
      }
      try {
        const res = await client.chat.postMessage({
          channel: row.channelId,
          text: row.payload.text,
          ...(row.payload.blocks ? { blocks: row.payload.blocks } : {}),
          // The key always travels in the metadata, also for rows enqueued without enqueueMessage.
          metadata: withMetadata(row.key, row.payload).metadata,
          ...(row.payload.unfurl_links !== undefined ? { unfurl_links: row.payload.unfurl_links } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        } as ChatPostMessageArguments);
        await store.outbox.markSent(row.id, String(res.ts ?? ""), clock());
        stats.sent += 1;
        return undefined;
      } catch (err) {
        // This attempt's outcome, recorded only while the row is still the one this attempt claimed.
        const claim: OutboxRowVersion = { status: "sending", attempts: row.attempts + 1 };
        return await apply(row, claim, decide(classify(err), row.attempts + 1, row.channelId, settings));
      } finally {
        pacer.settle(row.teamId, row.channelId);
        partitions.leave(row.teamId);
      }
    }

    const lanes = new LaneRunner({
      concurrency,
      stopped: () => stopper.signal.aborted || state.halted !== undefined,
      deliver: deliverOne,
      async holdBack(rows, at) {
        retryTimes.push(at.getTime());
        await Promise.all(
          rows.map((later) =>
            store.outbox.markRetry(
              later.id,
              { status: "pending", attempts: later.attempts },
              "waiting: channel rate-limited",
              at,
              clock(),
            ),
          ),
        );
      },
      onError: (row, err) =>
        logger.error(`outbox: delivering ${row.key} failed unexpectedly: ${(err as Error).message}`),
    });

    while (!stopper.signal.aborted && !state.halted) {
      let fresh = 0;
      // Refill when nothing runs; when the lanes are about to run dry (each busy workspace serves
      // `concurrency` lanes) and the last query left rows behind; and once a second to pick up rows that
      // came due since (notices, retries). Rows already queued are still pending, so ask for that many more
      // than a batch. A query whose rows are all queued already is not repeated at every finished lane:
      // each one reads and parses up to a batch of rows for nothing.
      const lowWater = concurrency * 2 * Math.max(1, lanes.activeWorkspaces);
      if (lanes.active === 0 || (leftBehind && lanes.queued < lowWater) || Date.now() - lastFetch >= 1000) {
        lastFetch = Date.now();
        const limit = batchSize + lanes.queued;
        const rows = await fetchDue(due, notOurs, limit);
        leftBehind = rows.length >= limit;
        for (const row of rows) if (lanes.add(row)) fresh += 1;
      }
      lanes.pump();
      if (lanes.active === 0 && fresh === 0) {
        // Rows deferred during this drain that come due soon: wait for them rather than leave them to the next tick.
        const now = clock().getTime();
        const passed = retryTimes.some((t) => t <= now); // came due since the query above: look again
        const upcoming = retryTimes.filter((t) => t > now);
        retryTimes.length = 0;
        retryTimes.push(...upcoming);
        if (passed) continue;
        const wait = upcoming.length ? Math.min(...upcoming) - now : Number.POSITIVE_INFINITY;
        if (wait > lingerMs) break;
        await pacer.sleep(wait);
        continue;
      }
      await lanes.settled(250);
    }
    await lanes.idle();
    return stats;
  }

  return {
    drain() {
      if (stopper.signal.aborted)
        return Promise.resolve({ sent: 0, recovered: 0, failed: 0, deferred: 0, rateLimited: 0 });
      running ??= runDrain().finally(() => {
        running = undefined;
      });
      return running;
    },
    async stop() {
      stopper.abort();
      await running;
    },
  };
}
