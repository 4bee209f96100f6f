import { describe, expect, it } from "vitest";
import { MAX_ACCOUNTS, personState, type Store } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

const campaignWith = async (store: Store, ...userIds: string[]) => {
  const c = await store.reminders.createCampaign({
    teamId: "T1",
    leadId: "ULEAD",
    channelId: "C1",
    providerId: "claude",
    deadline: "2026-12-31",
    now: at(0),
  });
  await store.reminders.addPeople(
    c.id,
    userIds.map((userId) => ({ userId, tz: "Europe/Berlin", nextAt: at(1) })),
    at(0),
  );
  return c;
};

const first = async (store: Store, campaignId: number, userId: string) => {
  const [s] = await store.reminders.accountsOf(campaignId, userId);
  if (!s) throw new Error(`no state for ${userId}`);
  return s;
};

describe.each(KINDS)("plans and several accounts in the reminder repository (%s)", (kind) => {
  it("adds account N once (a second add is a no-op), with the person's zone, and lists accounts in order", async () => {
    const store = await freshStore(kind);
    const c = await campaignWith(store, "U1", "U2");
    const one = await first(store, c.id, "U1");
    expect(one).toMatchObject({ account: 1, plan: null });
    const two = await store.reminders.addAccount(one, 2, null, at(3));
    expect(two).toMatchObject({
      campaignId: c.id,
      teamId: "T1",
      userId: "U1",
      providerId: "claude",
      account: 2,
      state: "pending",
      plan: null,
      tz: "Europe/Berlin",
      nextAt: null,
      sends: 0,
      updatedAt: at(3),
    });
    expect(await store.reminders.addAccount(one, 2, at(5), at(4))).toBeUndefined();
    expect((await store.reminders.accountsOf(c.id, "U1")).map((s) => s.account)).toEqual([1, 2]);
    expect((await store.reminders.accountsOf(c.id, "U2")).map((s) => s.account)).toEqual([1]);
    // Asking the same person again adds no first account beside the two.
    expect(await store.reminders.addPeople(c.id, [{ userId: "U1", tz: null, nextAt: at(9) }], at(9))).toBe(0);
    expect(await store.reminders.extraAccounts(c.id)).toEqual({ people: 1, accounts: 1 });
    // Several accounts are still one person asked.
    expect((await store.reminders.askedInOpenCampaigns("T1", "claude")).size).toBe(2);
  });

  it("compare-and-sets the plan with the state: a second choice, or one made on a stale view, changes nothing", async () => {
    const store = await freshStore(kind);
    const c = await campaignWith(store, "U1");
    const s = await first(store, c.id, "U1");
    const from = { state: "pending" as const, plan: null };
    expect(await store.reminders.transitionPlan(s.id, from, { plan: "Claude Pro" }, at(2))).toBe(true);
    expect(await store.reminders.transitionPlan(s.id, from, { plan: "Claude Max" }, at(3))).toBe(false);
    expect(await store.reminders.getState(s.id)).toMatchObject({ state: "pending", plan: "Claude Pro" });
    const chosen = { state: "pending" as const, plan: "Claude Pro" };
    expect(await store.reminders.transitionPlan(s.id, chosen, { plan: null }, at(4))).toBe(true);
    const excluded = { state: "not_affected" as const, plan: "API", answeredAt: at(5), nextAt: null };
    expect(await store.reminders.transitionPlan(s.id, from, excluded, at(5))).toBe(true);
    expect(await store.reminders.getState(s.id)).toMatchObject({
      state: "not_affected",
      plan: "API",
      answeredAt: at(5),
      nextAt: null,
    });
    // The plain transition clears the plan too (Undo of "not affected").
    expect(
      await store.reminders.transition(s.id, "not_affected", { state: "pending", plan: null }, at(6)),
    ).toBe(true);
    expect(await store.reminders.getState(s.id)).toMatchObject({ state: "pending", plan: null });
  });

  it("counts each person once, in the state of their least finished account, and so does forget-me", async () => {
    const store = await freshStore(kind);
    const c = await campaignWith(store, "U1", "U2", "U3", "U4");
    const set = async (userId: string, states: ("done" | "not_affected" | "not_using" | "pending")[]) => {
      const one = await first(store, c.id, userId);
      for (const [i, st] of states.entries()) {
        const s = i === 0 ? one : await store.reminders.addAccount(one, i + 1, null, at(1));
        if (s && st !== "pending") await store.reminders.transition(s.id, "pending", { state: st }, at(2));
      }
    };
    await set("U1", ["done", "pending"]); // one account still waiting: no answer
    await set("U2", ["not_using", "not_affected", "done"]); // all answered, one opted out: opted out
    await set("U3", ["not_using", "not_affected"]);
    await set("U4", ["not_using"]);
    expect(await store.reminders.counts(c.id)).toEqual({
      done: 1,
      not_affected: 1,
      not_using: 1,
      snoozed: 0,
      pending: 1,
      unreachable: 0,
    });
    expect(await store.reminders.extraAccounts(c.id)).toEqual({ people: 3, accounts: 4 });
    // Forgetting U2 (three accounts) leaves one anonymous person, counted as before.
    expect((await store.reminders.forgetPerson("T1", "U2", at(3))).states).toBe(3);
    expect(await store.reminders.counts(c.id)).toMatchObject({ done: 1, not_affected: 1, pending: 1 });
    expect(await store.reminders.extraAccounts(c.id)).toEqual({ people: 2, accounts: 2 });
  });

  it("has one precedence for a person's state, and a cap on accounts", () => {
    expect(personState(["done", "pending"])).toBe("pending");
    expect(personState(["snoozed", "done"])).toBe("snoozed");
    expect(personState(["not_using", "done", "not_affected"])).toBe("done");
    expect(personState(["not_using", "not_affected"])).toBe("not_affected");
    expect(personState(["unreachable"])).toBe("unreachable");
    expect(MAX_ACCOUNTS).toBe(5);
  });
});
