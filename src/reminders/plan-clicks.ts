import type { ClickResult } from "./clicks.js";
import { clickedState, currentMessage } from "./clicks.js";
import { answerEntry } from "./evidence.js";
import { renderClosed, renderGone, renderNotYours } from "./messages.js";
import { decidePlan, type PlanClick } from "./plans.js";
import type { ReminderDeps } from "./send.js";

/**
 * One plan button (or "Change plan") on a reminder, idempotent like the answer buttons: decide on the
 * stored state, compare-and-set on the state and the plan together, and render what the message shows now.
 */
export function answerPlanClick(
  deps: ReminderDeps,
  input: { stateId: number; teamId: string; actorId: string; click: PlanClick; now: Date },
): Promise<ClickResult> {
  return deps.store.transaction(async (tx): Promise<ClickResult> => {
    const before = await clickedState(tx, input.stateId, input.teamId);
    const campaign = before ? await tx.reminders.getCampaign(before.campaignId) : undefined;
    const provider = campaign ? deps.catalog.byId(campaign.providerId) : undefined;
    const decision = decidePlan({
      state: before,
      campaign,
      provider,
      actorId: input.actorId,
      click: input.click,
      now: input.now,
    });
    if (decision.kind === "not-yours")
      return { outcome: decision.kind, message: renderNotYours(), replace: false };
    if (decision.kind === "gone" || !before || !campaign || !provider)
      return { outcome: "gone", message: renderGone(), replace: true };
    if (decision.kind === "closed")
      return { outcome: decision.kind, message: renderClosed(campaign, provider.name), replace: true };
    let outcome: ClickResult["outcome"] = "unchanged";
    if (
      decision.kind === "apply" &&
      (await tx.reminders.transitionPlan(before.id, decision.from, decision.patch, input.now))
    ) {
      outcome = "apply";
      // The evidence export's "how", like the answer buttons (same transaction).
      const change = {
        click: input.click.kind === "choose" ? ("plan" as const) : ("change_plan" as const),
        from: decision.from.state,
        to: decision.patch.state ?? decision.from.state,
        via: "dm" as const,
      };
      await tx.audit.record(answerEntry(before, change, input.now));
    }
    const state = (await tx.reminders.getState(before.id)) ?? before;
    return {
      outcome,
      state,
      message: currentMessage(deps, provider, state, campaign, input.now),
      replace: true,
    };
  });
}
