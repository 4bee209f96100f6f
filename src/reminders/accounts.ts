import { escapeMrkdwn, section } from "../blocks/index.js";
import { keys } from "../outbox/index.js";
import { MAX_ACCOUNTS, type ReminderState } from "../store/index.js";
import { loadClick, refusalReply } from "./clicked.js";
import type { ClickResult } from "./clicks.js";
import { afterSend } from "./machine.js";
import type { Rendered } from "./messages.js";
import { enqueueReminder, type ReminderDeps, zoneOf } from "./send.js";

/**
 * "I have another account": a person with, say, a personal and a family account answers for each. The
 * button on account N's message adds account N+1 — the same person, campaign and provider, a state row of
 * its own with its own answers and reminders — and sends it as its own DM at once (the person just clicked,
 * so they are at work). Idempotent by construction: account N+1 is unique per person and campaign, so a
 * double click, Slack's retry or a stale message finds it there and adds nothing. At most MAX_ACCOUNTS.
 */

export type AccountOutcome =
  | { kind: "added"; state: ReminderState }
  | { kind: "exists"; account: number }
  | { kind: "capped" }
  | { kind: "closed" | "not-yours" | "gone" };

export async function addAnotherAccount(
  deps: ReminderDeps,
  input: { stateId: number; teamId: string; actorId: string; now: Date },
): Promise<ClickResult & { account: AccountOutcome }> {
  return deps.store.transaction(async (tx) => {
    const verdict = await loadClick(tx, deps.catalog, input);
    if (verdict.kind !== "open") return { ...refusalReply(verdict), account: { kind: verdict.kind } };
    const { state: from, campaign, provider } = verdict;
    const answer = (account: AccountOutcome, message: Rendered) => ({
      outcome: account.kind === "added" ? ("apply" as const) : ("unchanged" as const),
      account,
      message,
      replace: false,
    });
    const next = from.account + 1;
    if (next > MAX_ACCOUNTS) return answer({ kind: "capped" }, renderCapped(provider.name));
    const added = await tx.reminders.addAccount(from, next, null, input.now);
    if (!added) return answer({ kind: "exists", account: next }, renderExists(provider.name, next));
    const tz = zoneOf(deps, added);
    const txDeps = { ...deps, store: tx };
    await tx.reminders.transition(
      added.id,
      added.state,
      afterSend(added, campaign, input.now, tz),
      input.now,
    );
    await enqueueReminder(txDeps, {
      state: added,
      campaign,
      key: keys.reminder(added.id, 1),
      variant: "ask",
      now: input.now,
    });
    return answer({ kind: "added", state: added }, renderAdded(provider.name, next));
  });
}

const note = (text: string, line: string): Rendered => ({ text, blocks: [section(line)] });

export const renderAdded = (name: string, account: number): Rendered =>
  note(
    `Added your ${escapeMrkdwn(name)} account ${account}`,
    `:heavy_plus_sign: Added your *${escapeMrkdwn(name)}* account ${account}. I've sent it as its own message, so you can answer for it separately.`,
  );

export const renderExists = (name: string, account: number): Rendered =>
  note(
    `Your ${escapeMrkdwn(name)} account ${account} is already listed`,
    `:information_source: Your *${escapeMrkdwn(name)}* account ${account} is already listed, in its own message. To add one more, use *I have another account* on that message.`,
  );

export const renderCapped = (name: string): Rendered =>
  note(
    `You have ${MAX_ACCOUNTS} ${escapeMrkdwn(name)} accounts listed`,
    `:raised_hand: You have ${MAX_ACCOUNTS} *${escapeMrkdwn(name)}* accounts listed, the most I keep track of. If you have more, the same steps apply to each one: *Show steps* has them.`,
  );
