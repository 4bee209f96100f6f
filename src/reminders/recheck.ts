import { createHash } from "node:crypto";
import type { Provider } from "../catalog/index.js";
import { enqueueReminder, type ReminderDeps, zoneOf } from "./send.js";
import { nextWorkingTime } from "./time.js";

export interface RecheckRequest {
  providerId: string;
  /** One line for the person, e.g. "Anthropic changed its Consumer Terms on 1 Dec 2026". */
  reason: string;
  /** Identifies the change (a document version, a steps fingerprint): one re-check per person per change. Defaults to the reason. */
  changeId?: string;
  now: Date;
}

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

/**
 * After a policy change or new opt-out steps: everyone who answered "I've opted out" in an open campaign
 * about the provider (whose lead left re-checks on) gets one "please re-check" DM in their working hours,
 * and counts as unanswered until they confirm again. Re-running with the same reason sends nothing new.
 */
export function requestRecheck(deps: ReminderDeps, req: RecheckRequest): number {
  const { store } = deps;
  let asked = 0;
  store.transaction(() => {
    for (const campaign of store.reminders.listCampaigns({ status: "open", providerId: req.providerId })) {
      if (!campaign.recheck) continue;
      for (const state of store.reminders.statesForCampaign(campaign.id)) {
        if (state.state !== "done") continue;
        if (
          !store.reminders.transition(
            state.id,
            "done",
            { state: "pending", answeredAt: null, nextAt: null },
            req.now,
          )
        )
          continue;
        const key = `reminder-recheck:${state.id}:${shortHash(req.changeId ?? req.reason)}`;
        const notBefore = nextWorkingTime(req.now, zoneOf(deps, state));
        if (
          enqueueReminder(deps, {
            state,
            campaign,
            key,
            variant: "recheck",
            reason: req.reason,
            now: req.now,
            notBefore,
          })
        )
          asked += 1;
      }
    }
  });
  return asked;
}

/** What must stay the same for opted-out people to stay opted out: the control, its link and the steps. */
export function stepsFingerprint(p: Provider): string {
  const o = p.optOut;
  return shortHash(
    JSON.stringify([
      o?.label ?? null,
      o?.settingsUrl ?? null,
      (o?.platforms ?? []).map((x) => [x.id, x.steps.map((s) => s.text)]),
    ]),
  );
}

export const STEPS_FINGERPRINTS_KEY = "reminders:steps-fingerprints";

/**
 * Compares every provider's opt-out steps with the fingerprints seen last time and asks for re-checks where
 * they changed. The first run only records the baseline. Returns the providers whose steps changed.
 */
export function recheckChangedSteps(deps: ReminderDeps, now: Date): string[] {
  const seen = deps.store.kv.get<Record<string, string>>(STEPS_FINGERPRINTS_KEY);
  const current = Object.fromEntries(deps.catalog.providers.map((p) => [p.id, stepsFingerprint(p)]));
  const changed = seen
    ? deps.catalog.providers.filter((p) => seen[p.id] !== undefined && seen[p.id] !== current[p.id])
    : [];
  for (const p of changed) {
    const reason = `The opt-out steps for ${p.name} changed: please check that the setting is still off.`;
    requestRecheck(deps, { providerId: p.id, reason, changeId: `steps:${current[p.id]}`, now });
  }
  if (!seen || changed.length || Object.keys(seen).length !== Object.keys(current).length) {
    deps.store.kv.set(STEPS_FINGERPRINTS_KEY, current, now);
  }
  return changed.map((p) => p.id);
}
