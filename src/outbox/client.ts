import type { Logger } from "@slack/logger";
import { WebClient } from "@slack/web-api";
import type { DeliveryPartitions } from "../coordination/index.js";
import type { OutboxRow, Store } from "../store/index.js";
import type { Rate } from "./pacing.js";
import { deliveryFetch } from "./transport.js";

/** The deliverer's options, results and Slack client (see deliver.ts). */

export interface DelivererOptions {
  store: Store;
  /**
   * Where each row's token comes from. One workspace: one client (build it with `createDeliveryClient`: no
   * client-side retries or 429 queueing, this deliverer owns both). Distributed mode: the row's workspace's
   * client, or undefined when that workspace has no installation (the row is cancelled, never retried).
   */
  client: WebClient | { forTeam(teamId: string): Promise<WebClient | undefined> };
  logger: Logger;
  /** Must move with real time (retry times are compared with it). */
  now?: () => Date;
  /** Where notices go when a failed row names no lead to tell. */
  opsChannelId?: string | undefined;
  /** Slack: about 1 message/s per channel with short bursts, plus a workspace-wide cap. */
  pacing?: { channel?: Rate; workspace?: Rate };
  /**
   * Channels served at once in each workspace (each channel is served in order, one message at a time;
   * workspaces are paced independently, so one waiting for its turn never holds up another). Never more
   * than the workspace pacing's burst: that many posts at most are on their way at once.
   */
  concurrency?: number;
  batchSize?: number;
  /** Ambiguous/transient errors retried up to this many attempts, then the row fails. */
  maxAttempts?: number;
  backoff?: { baseMs: number; capMs: number };
  /** A drain waits for rows it deferred when they come due within this many ms. */
  lingerMs?: number;
  random?: () => number;
  /**
   * Called once a DM fails because its addressee is gone (`RECIPIENT_GONE_ERRORS`), after the row is
   * failed: reminders use it to stop planning messages for that person. Errors in it are logged only.
   */
  onRecipientGone?: (row: OutboxRow, error: string, now: Date) => Promise<void>;
  /** The workspaces this instance may deliver (src/coordination/); default: all of them. */
  partitions?: DeliveryPartitions;
}

export interface DrainStats {
  sent: number;
  /** Found already posted in the channel's history (crash between Slack's ok and our commit). */
  recovered: number;
  failed: number;
  deferred: number;
  rateLimited: number;
}

export interface Deliverer {
  /** Delivers everything due; resolves when nothing is due (or stop() was called). Concurrent calls share one run. */
  drain(): Promise<DrainStats>;
  /** Stops taking rows, lets the call in flight finish and be recorded, then resolves. */
  stop(): Promise<void>;
}

/**
 * Defaults: about 1 message/s per channel with a short burst (shared/slack-reference.md → Web API), and a
 * conservative workspace pace with a small burst, leaving Slack's own burst allowance to absorb jitter.
 */
export const DEFAULT_PACING = {
  channel: { perSecond: 1, burst: 3 },
  workspace: { perSecond: 10, burst: 5 },
} as const;

/** How long one chat.postMessage may take before the deliverer gives up on its answer. */
export const DELIVERY_TIMEOUT_MS = 15_000;

/**
 * A post another instance claimed this long ago has either reached Slack or never will: its request
 * timeout plus a margin for the instances' clocks (the claim time is written by the other instance).
 */
export const HANDOVER_SETTLE_MS = DELIVERY_TIMEOUT_MS + 5_000;

/** A WebClient for the deliverer: no automatic retries, 429s rejected to us, a request timeout. */
export function createDeliveryClient(
  token: string,
  slackApiUrl: string,
  options: { logger?: Logger; timeoutMs?: number } = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    fetch: deliveryFetch,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
