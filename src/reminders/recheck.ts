import { createHash } from "node:crypto";
import { keys } from "../outbox/index.js";
import { nextWorkingTime } from "../time/index.js";
import { enqueueReminder, type ReminderDeps, recordRenderFailure, zoneOf } from "./send.js";

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
export async function requestRecheck(deps: ReminderDeps, req: RecheckRequest): Promise<number> {
  const { store } = deps;
  let asked = 0;
  for (const campaign of await store.reminders.listCampaigns({
    status: "open",
    providerId: req.providerId,
  })) {
    if (!campaign.recheck) continue;
    for (const state of await store.reminders.statesForCampaign(campaign.id)) {
      if (state.state !== "done") continue;
      // Each person is their own unit of work: one message that cannot be built holds up nobody else.
      try {
        const sent = await store.transaction(async (tx) => {
          if (
            !(await tx.reminders.transition(
              state.id,
              "done",
              { state: "pending", answeredAt: null, nextAt: null },
              req.now,
            ))
          )
            return false;
          const key = keys.reminderRecheck(state.id, shortHash(req.changeId ?? req.reason));
          const notBefore = nextWorkingTime(req.now, zoneOf(deps, state));
          return enqueueReminder(
            { ...deps, store: tx },
            {
              state,
              campaign,
              key,
              variant: "recheck",
              reason: req.reason,
              now: req.now,
              notBefore,
            },
          );
        });
        if (sent) asked += 1;
      } catch (err) {
        await recordRenderFailure(deps, state, campaign, err, req.now);
      }
    }
  }
  return asked;
}

/** The part of an announce/ catalog change the re-check needs (structural, so reminders/ does not import announce/). */
export interface StepsChange {
  providerId: string;
  providerName: string;
  /** Identifies the new catalog entry, so one change asks once. */
  toHash: string;
  /** The opt-out steps, the control's label or the settings link changed. */
  optOutStepsChanged: boolean;
}

/**
 * For announce/'s `onCatalogChanges`: asks people who opted out to re-check wherever the catalog's opt-out
 * steps, label or link changed. Returns how many people were asked.
 */
export async function recheckForCatalogChanges(
  deps: ReminderDeps,
  changes: readonly StepsChange[],
  now: Date,
): Promise<number> {
  let asked = 0;
  for (const c of changes.filter((change) => change.optOutStepsChanged)) {
    const reason = `The opt-out steps for ${c.providerName} changed: please check that the setting is still off.`;
    asked += await requestRecheck(deps, {
      providerId: c.providerId,
      reason,
      changeId: `catalog:${c.toHash}`,
      now,
    });
  }
  return asked;
}

/** The part of a monitor/ policy-check result the re-check needs (structural: no import of monitor/). */
export interface PolicyChange {
  providerId: string;
  documentId: string;
  status: string;
  versionId?: number;
  /** A flip-flop back to a version seen before: not a new change. */
  seenBefore?: boolean;
}

/**
 * For the policy-check job: every document that really changed asks its provider's opted-out people to
 * re-check, once per new version. Returns how many people were asked.
 */
export async function recheckForPolicyChanges(
  deps: ReminderDeps,
  results: readonly PolicyChange[],
  now: Date,
): Promise<number> {
  let asked = 0;
  for (const r of results) {
    if (r.status !== "changed" || r.seenBefore) continue;
    const provider = deps.catalog.byId(r.providerId);
    const title = provider?.documents.find((d) => d.id === r.documentId)?.title ?? r.documentId;
    const reason = `${provider?.name ?? r.providerId} changed “${title}”: please check that the setting is still off.`;
    asked += await requestRecheck(deps, {
      providerId: r.providerId,
      reason,
      changeId: `policy:${r.documentId}:${r.versionId ?? now.toISOString()}`,
      now,
    });
  }
  return asked;
}
