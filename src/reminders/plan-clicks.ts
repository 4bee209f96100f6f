import { loadClick, refusalReply } from "./clicked.js";
import { type ClickResult, clickReply } from "./clicks.js";
import { answerEntry } from "./evidence.js";
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
    const verdict = await loadClick(tx, deps.catalog, input);
    if (verdict.kind !== "open") return refusalReply(verdict);
    const { state: before, provider } = verdict;
    const decision = decidePlan({ state: before, provider, click: input.click, now: input.now });
    let outcome: "apply" | "unchanged" = "unchanged";
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
    return clickReply({ ...deps, store: tx }, verdict, outcome, input.now);
  });
}
