import type { Logger } from "@slack/logger";
import type { OutboxRow, OutboxRowVersion, Store } from "../store/index.js";
import type { DelivererOptions, DrainStats } from "./client.js";
import { handlePermanentFailure } from "./notices.js";
import type { Pacer } from "./pacer.js";
import type { Decision } from "./policy.js";

/** What one drain has learnt so far; its lanes read and extend it. */
export interface DrainState {
  readonly stats: DrainStats;
  /** `team/channel` → the permanent error that paused it: the channel's other rows fail the same way. */
  readonly deadChannels: Map<string, string>;
  /** Distributed mode: workspaces whose token Slack refused; only their rows wait. */
  readonly haltedTeams: Map<string, string>;
  /** When rows deferred during this drain come due (the drain lingers for the near ones). */
  readonly retryTimes: number[];
  /** One workspace: the token Slack refused, which stops the whole drain. */
  halted: string | undefined;
}

export function newDrainState(): DrainState {
  return {
    stats: { sent: 0, recovered: 0, failed: 0, deferred: 0, rateLimited: 0 },
    deadChannels: new Map(),
    haltedTeams: new Map(),
    retryTimes: [],
    halted: undefined,
  };
}

export interface OutcomeContext {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly pacer: Pacer;
  /** One bot token for every row (a refusal halts the drain), rather than one per workspace. */
  readonly singleWorkspace: boolean;
  readonly opsChannelId: string | undefined;
  readonly onRecipientGone: DelivererOptions["onRecipientGone"];
}

/**
 * Recording what happened to a row: a retry later, a permanent failure (with its notice), or carrying out
 * the failure policy's decision (policy.ts). `from` is the row as read (pending) or as this attempt
 * claimed it (sending); see OutboxRowVersion: a row that moved on meanwhile is left to its new owner.
 */
export function createOutcomes(ctx: OutcomeContext, state: DrainState) {
  const { store, logger, clock, pacer } = ctx;

  async function defer(
    row: OutboxRow,
    from: OutboxRowVersion,
    error: string,
    delayMs: number,
    maybePosted = false,
  ): Promise<Date> {
    const at = new Date(clock().getTime() + delayMs);
    if (await store.outbox.markRetry(row.id, from, error, at, clock(), maybePosted)) {
      state.retryTimes.push(at.getTime());
      state.stats.deferred += 1;
    }
    return at;
  }

  /** False when the row had moved on (another delivery owns it): nothing was failed or told. */
  async function fail(
    row: OutboxRow,
    from: OutboxRowVersion,
    error: string,
    pause: boolean,
  ): Promise<boolean> {
    const failed = await handlePermanentFailure(store, row, from, error, {
      pause,
      now: clock(),
      opsChannelId: ctx.opsChannelId,
    });
    if (failed) state.stats.failed += 1;
    return failed;
  }

  /**
   * Carries out the policy's decision; a date when the rest of the row's lane must wait until then.
   * `stillMaybePosted`: an earlier attempt may have reached Slack and nothing since has shown otherwise.
   */
  async function apply(
    row: OutboxRow,
    from: OutboxRowVersion,
    decision: Decision,
    stillMaybePosted = false,
  ): Promise<Date | undefined> {
    switch (decision.action) {
      case "rate-limited":
        state.stats.rateLimited += 1;
        pacer.pause(row.teamId, row.channelId, decision.delayMs);
        return defer(row, from, decision.error, decision.delayMs, stillMaybePosted);
      case "retry":
        await defer(row, from, decision.error, decision.delayMs, decision.maybePosted);
        return undefined;
      case "halt":
        if (ctx.singleWorkspace) {
          state.halted = decision.error;
          logger.error(
            `outbox: Slack rejected the bot token (${decision.error}); delivery is halted until it is fixed (SLACK_BOT_TOKEN, app reinstall)`,
          );
        } else {
          state.haltedTeams.set(row.teamId, decision.error);
          logger.error(
            `outbox: Slack rejected workspace ${row.teamId}'s token (${decision.error}); its delivery waits (reinstall, or the uninstall event removes it)`,
          );
        }
        {
          const at = await defer(row, from, decision.error, decision.delayMs);
          // The rest of this channel's lane waits too (the drain goes on for other workspaces).
          return ctx.singleWorkspace ? undefined : at;
        }
      case "fail":
        if (decision.pause) state.deadChannels.set(`${row.teamId}/${row.channelId}`, decision.error);
        if (
          (await fail(row, from, decision.error, decision.pause)) &&
          decision.recipientGone &&
          ctx.onRecipientGone
        ) {
          try {
            await ctx.onRecipientGone(row, decision.error, clock());
          } catch (err) {
            logger.error(
              `outbox: recipient-gone hook failed for ${row.channelId}: ${(err as Error).message}`,
            );
          }
        }
        return undefined;
    }
  }

  return { defer, fail, apply };
}
