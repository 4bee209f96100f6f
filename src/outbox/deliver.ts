import { setMaxListeners } from "node:events";
import type { ChatPostMessageArguments } from "@slack/web-api";
import type { OutboxRow } from "../store/index.js";
import { DEFAULT_PACING, type Deliverer, type DelivererOptions, type DrainStats } from "./client.js";
import { withMetadata } from "./enqueue.js";
import { classify, type Failure, isAmbiguous, isRecipientGone } from "./errors.js";
import { findPosted } from "./history.js";
import { handlePermanentFailure } from "./notices.js";
import { backoffMs, Limiter, type Rate, TokenBucket } from "./pacing.js";

export {
  createDeliveryClient,
  DEFAULT_PACING,
  type Deliverer,
  type DelivererOptions,
  type DrainStats,
} from "./client.js";

/**
 * The ONE deliverer: the only code that posts bot-initiated messages. It drains the outbox, paces per
 * channel and per workspace, honours Retry-After, retries network errors and 5xx with exponential backoff
 * and jitter, and turns permanent errors into a failed row + paused subscription + one notice.
 *
 * Crash safety: a row is marked `sending` (committed) before the call and `sent` after. A row found in
 * `sending` at start-up, or retried after an ambiguous error, may already be in Slack: its key travels in
 * the message metadata, so the channel's history is checked before posting it again.
 */

export function createDeliverer(options: DelivererOptions): Deliverer {
  const { store, client, logger } = options;
  const clock = options.now ?? (() => new Date());
  const channelRate = options.pacing?.channel ?? DEFAULT_PACING.channel;
  const workspaceRate = options.pacing?.workspace ?? DEFAULT_PACING.workspace;
  const concurrency = options.concurrency ?? 16;
  const batchSize = options.batchSize ?? 500;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = options.backoff ?? { baseMs: 2_000, capMs: 15 * 60_000 };
  const lingerMs = options.lingerMs ?? 10_000;
  const random = options.random ?? Math.random;
  const channelBuckets = new Map<string, TokenBucket>();
  const workspaceBuckets = new Map<string, TokenBucket>();
  const stopper = new AbortController();
  setMaxListeners(0, stopper.signal); // one listener per paced wait
  let recovered = false;
  let running: Promise<DrainStats> | undefined;

  const bucket = (map: Map<string, TokenBucket>, key: string, rate: Rate) => {
    const existing = map.get(key);
    if (existing) return existing;
    const created = new TokenBucket(rate, Date.now());
    map.set(key, created);
    return created;
  };
  const workspaces = new Map<string, Limiter>();
  const workspace = (teamId: string) => {
    const existing = workspaces.get(teamId);
    if (existing) return existing;
    const created = new Limiter(bucket(workspaceBuckets, teamId, workspaceRate));
    workspaces.set(teamId, created);
    return created;
  };
  stopper.signal.addEventListener("abort", () => {
    for (const l of workspaces.values()) l.releaseAll();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || stopper.signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        stopper.signal.removeEventListener("abort", done);
        resolve();
      }
      stopper.signal.addEventListener("abort", done, { once: true });
    });

  /** Waits for this channel's and this workspace's turn; false when stopping. */
  async function pace(row: OutboxRow): Promise<boolean> {
    const ch = bucket(channelBuckets, `${row.teamId}/${row.channelId}`, channelRate);
    await sleep(ch.reserve(Date.now()));
    // A 429 during our wait paused the channel: wait that out too.
    for (
      let wait = ch.blockedFor(Date.now());
      wait > 0 && !stopper.signal.aborted;
      wait = ch.blockedFor(Date.now())
    )
      await sleep(wait);
    if (stopper.signal.aborted) return false;
    await workspace(row.teamId).acquire();
    return !stopper.signal.aborted;
  }

  async function runDrain(): Promise<DrainStats> {
    const stats: DrainStats = { sent: 0, recovered: 0, failed: 0, deferred: 0, rateLimited: 0 };
    if (!recovered) {
      const n = store.outbox.recoverInterrupted(clock());
      if (n)
        logger.warn(
          `outbox: ${n} message(s) were interrupted while sending; checking history before re-posting`,
        );
      recovered = true;
    }
    const queues = new Map<string, OutboxRow[]>();
    const taken = new Set<number>();
    const deadChannels = new Map<string, string>();
    let halted: string | undefined;
    const retryTimes: number[] = [];
    let active = 0;
    let queued = 0;
    let lastFetch = 0;
    let wake: () => void = () => {};

    function defer(row: OutboxRow, error: string, delayMs: number) {
      const at = clock().getTime() + delayMs;
      store.outbox.markRetry(row.id, error, new Date(at), clock());
      retryTimes.push(at);
      stats.deferred += 1;
    }

    function onFailure(row: OutboxRow, failure: Failure, attempts: number) {
      const lane = `${row.teamId}/${row.channelId}`;
      switch (failure.type) {
        case "rate-limited": {
          stats.rateLimited += 1;
          const until = Date.now() + failure.retryAfterMs;
          bucket(channelBuckets, lane, channelRate).pause(until);
          bucket(workspaceBuckets, row.teamId, workspaceRate).pause(until);
          return defer(row, failure.error, failure.retryAfterMs);
        }
        case "transient":
          if (attempts >= maxAttempts) {
            stats.failed += 1;
            return handlePermanentFailure(
              store,
              row,
              `${failure.error} (gave up after ${attempts} attempts)`,
              { pause: false, now: clock(), opsChannelId: options.opsChannelId },
            );
          }
          return defer(row, failure.error, backoffMs(attempts, backoff.baseMs, backoff.capMs, random));
        case "auth":
          halted = failure.error;
          logger.error(
            `outbox: Slack rejected the bot token (${failure.error}); delivery is halted until it is fixed (SLACK_BOT_TOKEN, app reinstall)`,
          );
          return defer(row, failure.error, Math.max(backoff.capMs, 60_000));
        case "channel":
          deadChannels.set(lane, failure.error);
          stats.failed += 1;
          handlePermanentFailure(store, row, failure.error, {
            pause: true,
            now: clock(),
            opsChannelId: options.opsChannelId,
          });
          if (options.onRecipientGone && isRecipientGone(row.channelId, failure.error)) {
            try {
              options.onRecipientGone(row, failure.error, clock());
            } catch (err) {
              logger.error(
                `outbox: recipient-gone hook failed for ${row.channelId}: ${(err as Error).message}`,
              );
            }
          }
          return;
        case "message":
          stats.failed += 1;
          return handlePermanentFailure(store, row, failure.error, {
            pause: false,
            now: clock(),
            opsChannelId: options.opsChannelId,
          });
      }
    }

    async function deliverOne(row: OutboxRow): Promise<void> {
      if (row.subscriptionId !== null && !store.subscriptions.get(row.subscriptionId)) {
        store.outbox.cancel(row.id, "unsubscribed before delivery", clock());
        return;
      }
      const dead = deadChannels.get(`${row.teamId}/${row.channelId}`);
      // The recipient-gone hook may have cancelled this row after it was queued.
      if (dead && store.outbox.get(row.key)?.status === "cancelled") return;
      if (dead) {
        stats.failed += 1;
        return handlePermanentFailure(store, row, dead, {
          pause: true,
          now: clock(),
          opsChannelId: options.opsChannelId,
        });
      }
      const threadTs = row.threadOf ? (store.outbox.get(row.threadOf)?.postedTs ?? undefined) : undefined;
      if (row.attempts > 0 && isAmbiguous(row.lastError)) {
        try {
          const ts = await findPosted(client, row, threadTs);
          if (ts) {
            store.outbox.markSent(row.id, ts, clock());
            stats.recovered += 1;
            return;
          }
        } catch (err) {
          const failure = classify(err);
          if (failure.type === "rate-limited" || failure.type === "transient")
            return onFailure(row, failure, row.attempts);
          logger.warn(
            `outbox: cannot read history of ${row.channelId} (${failure.error}); posting ${row.key} again`,
          );
        }
      }
      if (!(await pace(row))) return;
      store.outbox.markSending(row.id, clock());
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
        store.outbox.markSent(row.id, String(res.ts ?? ""), clock());
        stats.sent += 1;
      } catch (err) {
        onFailure(row, classify(err), row.attempts + 1);
      } finally {
        bucket(channelBuckets, `${row.teamId}/${row.channelId}`, channelRate).settle(Date.now());
      }
    }

    async function runLane(lane: string): Promise<void> {
      const queue = queues.get(lane) ?? [];
      while (queue.length && !stopper.signal.aborted && !halted) {
        const row = queue.shift()!;
        queued -= 1;
        try {
          await deliverOne(row);
        } catch (err) {
          logger.error(`outbox: delivering ${row.key} failed unexpectedly: ${(err as Error).message}`);
        }
        taken.delete(row.id);
        const after = queue.length ? store.outbox.get(row.key) : undefined;
        if (after?.status === "pending" && after.lastError?.startsWith("rate_limited")) {
          // Rate-limited: the rest of this channel waits with the deferred row (same time, then id order).
          const at = after.nextAttemptAt;
          for (const later of queue.splice(0)) {
            store.outbox.markRetry(later.id, "waiting: channel rate-limited", at, clock());
            retryTimes.push(at.getTime());
            taken.delete(later.id);
            queued -= 1;
          }
        }
      }
      for (const row of queue) taken.delete(row.id);
      queued -= queue.length;
      queues.delete(lane);
    }

    const lanesBusy = new Set<string>();
    const pump = () => {
      for (const lane of queues.keys()) {
        if (active >= concurrency) return;
        if (lanesBusy.has(lane)) continue;
        lanesBusy.add(lane);
        active += 1;
        void runLane(lane).finally(() => {
          lanesBusy.delete(lane);
          active -= 1;
          wake();
        });
      }
    };

    while (!stopper.signal.aborted && !halted) {
      let fresh = 0;
      // Refill when the lanes are about to run dry, or once a second to pick up new rows (e.g. notices).
      // Rows already queued are still pending, so ask for that many more than a batch.
      if (queued < concurrency * 2 || Date.now() - lastFetch >= 1000) {
        lastFetch = Date.now();
        for (const row of store.outbox.due(clock(), batchSize + queued)) {
          if (taken.has(row.id)) continue;
          taken.add(row.id);
          const lane = `${row.teamId}/${row.channelId}`;
          const queue = queues.get(lane);
          if (queue) queue.push(row);
          else queues.set(lane, [row]);
          fresh += 1;
          queued += 1;
        }
      }
      pump();
      if (active === 0 && fresh === 0) {
        // Rows deferred during this drain that come due soon: wait for them rather than leave them to the next tick.
        const now = clock().getTime();
        const passed = retryTimes.some((t) => t <= now); // came due since the query above: look again
        const upcoming = retryTimes.filter((t) => t > now);
        retryTimes.length = 0;
        retryTimes.push(...upcoming);
        if (passed) continue;
        const wait = upcoming.length ? Math.min(...upcoming) - now : Number.POSITIVE_INFINITY;
        if (wait > lingerMs) break;
        await sleep(wait);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    while (active > 0) await new Promise<void>((resolve) => (wake = resolve));
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
