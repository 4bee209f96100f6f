import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/index.js";
import { clickVerdict, loadClick, refusalReply } from "../../src/reminders/index.js";
import { campaign, now, state as stateWith } from "./fixtures.js";

// The refusal ladder every reminder button (answers, plans, "another account") climbs, tested once here.
const catalog = loadCatalog({});
const provider = catalog.byId("claude")!;
const state = stateWith();
const open = { state, campaign, provider, actorId: "U1" };

describe("the click refusal ladder", () => {
  it("lets the person's own click on an open campaign through, with what it loaded", () => {
    expect(clickVerdict(open)).toEqual({ kind: "open", state, campaign, provider });
  });

  it("a state, campaign or catalog provider that is missing is gone", () => {
    expect(clickVerdict({ ...open, state: undefined })).toEqual({ kind: "gone" });
    expect(clickVerdict({ ...open, campaign: undefined })).toEqual({ kind: "gone" });
    expect(clickVerdict({ ...open, provider: undefined })).toEqual({ kind: "gone" });
  });

  it("someone else's state is not yours, even when its campaign is closed", () => {
    expect(clickVerdict({ ...open, actorId: "U2" })).toEqual({ kind: "not-yours" });
    const closed = { ...campaign, status: "closed" as const };
    expect(clickVerdict({ ...open, campaign: closed, actorId: "U2" })).toEqual({ kind: "not-yours" });
  });

  it("the person's own state in a closed campaign is closed", () => {
    const closed = { ...campaign, status: "closed" as const, closedAt: now };
    expect(clickVerdict({ ...open, campaign: closed })).toEqual({
      kind: "closed",
      campaign: closed,
      providerName: provider.name,
    });
  });

  it("loads the state only from the workspace the click came from (Grid user IDs are shared)", async () => {
    const store = {
      reminders: {
        getState: async (id: number) => (id === state.id ? state : undefined),
        getCampaign: async (id: number) => (id === campaign.id ? campaign : undefined),
      },
    } as unknown as Parameters<typeof loadClick>[0];
    const click = { stateId: 42, teamId: "T1", actorId: "U1" };
    expect(await loadClick(store, catalog, click)).toEqual({ kind: "open", state, campaign, provider });
    expect(await loadClick(store, catalog, { ...click, teamId: "T2" })).toEqual({ kind: "gone" });
    expect(await loadClick(store, catalog, { ...click, stateId: 43 })).toEqual({ kind: "gone" });
  });

  it("answers not-yours privately and replaces the stale message when gone or closed", () => {
    expect(refusalReply({ kind: "not-yours" })).toMatchObject({
      outcome: "not-yours",
      replace: false,
      message: { text: "This reminder is for someone else" },
    });
    expect(refusalReply({ kind: "gone" })).toMatchObject({
      outcome: "gone",
      replace: true,
      message: { text: "This reminder no longer exists" },
    });
    const closed = refusalReply({ kind: "closed", campaign, providerName: provider.name });
    expect(closed).toMatchObject({ outcome: "closed", replace: true });
    expect(JSON.stringify(closed.message.blocks)).toContain(`The ${provider.name} reminder campaign closed`);
  });
});
