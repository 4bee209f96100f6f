import type { Catalog, Provider } from "../catalog/index.js";
import type { Campaign, ReminderState, Store } from "../store/index.js";
import { type Rendered, renderClosed, renderGone, renderNotYours } from "./messages.js";

/**
 * The reminder state a button names, if it belongs to the workspace the click came from. Every button on a
 * reminder (answers, plans, another account) loads its state through this: an Enterprise Grid user ID is
 * the same in every workspace, so a state ID from another workspace, even the person's own, is not
 * answered from here.
 */
export async function clickedState(
  store: Pick<Store, "reminders">,
  stateId: number,
  teamId: string,
): Promise<ReminderState | undefined> {
  const found = await store.reminders.getState(stateId);
  return found?.teamId === teamId ? found : undefined;
}

/** Why a click on a reminder changes nothing, before any button's own rules are asked. */
export type ClickRefusal =
  | { kind: "gone" }
  | { kind: "not-yours" }
  | { kind: "closed"; campaign: Campaign; providerName: string };

export type ClickVerdict =
  | { kind: "open"; state: ReminderState; campaign: Campaign; provider: Provider }
  | ClickRefusal;

/**
 * The refusal ladder every reminder button climbs first, pure: a state not found (deleted, forgotten, or
 * another workspace's: clickedState), its campaign or its catalog provider missing → gone; someone else's
 * state → not yours; a closed campaign → closed. Only an open verdict reaches the button's own decision.
 */
export function clickVerdict(input: {
  state: ReminderState | undefined;
  campaign: Campaign | undefined;
  provider: Provider | undefined;
  actorId: string;
}): ClickVerdict {
  const { state, campaign, provider } = input;
  if (!state || !campaign || !provider) return { kind: "gone" };
  if (state.userId !== input.actorId) return { kind: "not-yours" };
  if (campaign.status === "closed") return { kind: "closed", campaign, providerName: provider.name };
  return { kind: "open", state, campaign, provider };
}

/** The verdict on a click, its state loaded through clickedState and its campaign and provider with it. */
export async function loadClick(
  store: Pick<Store, "reminders">,
  catalog: Pick<Catalog, "byId">,
  input: { stateId: number; teamId: string; actorId: string },
): Promise<ClickVerdict> {
  const state = await clickedState(store, input.stateId, input.teamId);
  const campaign = state ? await store.reminders.getCampaign(state.campaignId) : undefined;
  const provider = campaign ? catalog.byId(campaign.providerId) : undefined;
  return clickVerdict({ state, campaign, provider, actorId: input.actorId });
}

/**
 * What a refused click answers: "not yours" privately, leaving the message alone (it is someone else's);
 * "gone" and "closed" replace the clicked message, which is stale.
 */
export function refusalReply(refusal: ClickRefusal): {
  outcome: ClickRefusal["kind"];
  message: Rendered;
  replace: boolean;
} {
  switch (refusal.kind) {
    case "not-yours":
      return { outcome: refusal.kind, message: renderNotYours(), replace: false };
    case "gone":
      return { outcome: refusal.kind, message: renderGone(), replace: true };
    case "closed":
      return {
        outcome: refusal.kind,
        message: renderClosed(refusal.campaign, refusal.providerName),
        replace: true,
      };
  }
}
