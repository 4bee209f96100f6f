import { describe, expect, it } from "vitest";
import { FORGOTTEN_ACTOR, type Store } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

const newCampaign = (store: Store, extra: { teamId?: string; leadId?: string; providerId?: string } = {}) =>
  store.reminders.createCampaign({
    teamId: extra.teamId ?? "T1",
    leadId: extra.leadId ?? "ULEAD",
    channelId: "C1",
    providerId: extra.providerId ?? "claude",
    deadline: "2026-12-31",
    now: at(0),
  });

const people = (...ids: string[]) =>
  ids.map((userId, i) => ({ userId, tz: i % 2 ? "Europe/Berlin" : null, nextAt: at(i + 1) }));

describe.each(KINDS)("reminder repository contract (%s)", (kind) => {
  it("creates, reads, filters, closes once, and updates recheck and digest time", async () => {
    const store = await freshStore(kind);
    const a = await newCampaign(store);
    const b = await newCampaign(store, { teamId: "T2", leadId: "U2", providerId: "gemini" });
    expect(a).toEqual({
      id: expect.any(Number),
      teamId: "T1",
      leadId: "ULEAD",
      channelId: "C1",
      providerId: "claude",
      deadline: "2026-12-31",
      recheck: true,
      status: "open",
      createdAt: at(0),
      closedAt: null,
      lastDigestAt: null,
    });
    expect(b.id).toBeGreaterThan(a.id);
    expect(await store.reminders.getCampaign(a.id)).toEqual(a);
    expect(await store.reminders.getCampaign(a.id + 100)).toBeUndefined();
    expect((await store.reminders.listCampaigns({})).map((c) => c.id)).toEqual([b.id, a.id]);
    expect((await store.reminders.listCampaigns({ teamId: "T2" })).map((c) => c.id)).toEqual([b.id]);
    expect(
      (await store.reminders.listCampaigns({ leadId: "ULEAD", providerId: "claude", status: "open" })).map(
        (c) => c.id,
      ),
    ).toEqual([a.id]);
    expect(await store.reminders.closeCampaign(a.id, at(9))).toBe(true);
    expect(await store.reminders.closeCampaign(a.id, at(10))).toBe(false);
    expect(
      (await store.reminders.listCampaigns({ status: "closed" })).map((c) => [c.id, c.closedAt]),
    ).toEqual([[a.id, at(9)]]);
    await store.reminders.setRecheck(b.id, false);
    await store.reminders.markDigest(b.id, at(7));
    expect(await store.reminders.getCampaign(b.id)).toMatchObject({ recheck: false, lastDigestAt: at(7) });
  });

  it("adds people once each (in chunks), and knows who was asked in open campaigns", async () => {
    const store = await freshStore(kind);
    const c = await newCampaign(store);
    expect(await store.reminders.addPeople(c.id, people("U1", "U2"), at(0))).toBe(2);
    expect(await store.reminders.addPeople(c.id, people("U2", "U3"), at(0))).toBe(1);
    expect(await store.reminders.addPeople(c.id, [], at(0))).toBe(0);
    const many = Array.from({ length: 1203 }, (_, i) => ({ userId: `UM${i}`, tz: null, nextAt: at(0) }));
    expect(await store.reminders.addPeople(c.id, many, at(0))).toBe(1203);
    const states = await store.reminders.statesForCampaign(c.id);
    expect(states).toHaveLength(1206);
    expect(states[1]).toEqual({
      id: expect.any(Number),
      campaignId: c.id,
      teamId: "T1",
      userId: "U2",
      providerId: "claude",
      state: "pending",
      account: 1,
      plan: null,
      tz: "Europe/Berlin",
      nextAt: at(2),
      snoozedUntil: null,
      sends: 0,
      lastSentAt: null,
      answeredAt: null,
      updatedAt: at(0),
    });
    const closed = await newCampaign(store);
    await store.reminders.addPeople(closed.id, people("U9"), at(0));
    await store.reminders.closeCampaign(closed.id, at(1));
    const asked = await store.reminders.askedInOpenCampaigns("T1", "claude");
    expect(asked.size).toBe(1206);
    expect(asked.has("U9")).toBe(false);
    expect((await store.reminders.askedInOpenCampaigns("T1", "gemini")).size).toBe(0);
  });

  it("transitions many states with one patch: only those still in the expected state, in chunks", async () => {
    const store = await freshStore(kind);
    const c = await newCampaign(store);
    await store.reminders.addPeople(
      c.id,
      Array.from({ length: 1203 }, (_, i) => ({ userId: `U${i}`, tz: null, nextAt: at(1) })),
      at(0),
    );
    const states = await store.reminders.statesForCampaign(c.id);
    const answered = states[7]?.id ?? 0;
    expect(
      await store.reminders.transition(answered, "pending", { state: "done", nextAt: null }, at(1)),
    ).toBe(true);
    const changed = await store.reminders.transitionMany(
      states.map((s) => s.id),
      "pending",
      { sends: 1, lastSentAt: at(2), nextAt: at(9) },
      at(2),
    );
    expect(changed).toEqual(new Set(states.map((s) => s.id).filter((id) => id !== answered)));
    const after = await store.reminders.statesForCampaign(c.id);
    expect(after.find((s) => s.id === answered)).toMatchObject({ state: "done", sends: 0, nextAt: null });
    expect(after.filter((s) => s.sends === 1 && s.nextAt?.getTime() === at(9).getTime())).toHaveLength(1202);
    expect(await store.reminders.transitionMany([], "pending", { nextAt: null }, at(3))).toEqual(new Set());
  });

  it("due: unanswered states of open campaigns whose time came, by time then id, per campaign", async () => {
    const store = await freshStore(kind);
    const c = await newCampaign(store);
    const d = await newCampaign(store);
    await store.reminders.addPeople(c.id, people("U1", "U2", "U3", "U4"), at(0));
    await store.reminders.addPeople(d.id, [{ userId: "U1", tz: null, nextAt: at(1) }], at(0));
    const [s1, s2, s3, s4] = await store.reminders.statesForCampaign(c.id);
    await store.reminders.transition(
      s2?.id ?? 0,
      "pending",
      { state: "done", nextAt: null, answeredAt: at(5) },
      at(5),
    );
    await store.reminders.transition(
      s3?.id ?? 0,
      "pending",
      { state: "snoozed", snoozedUntil: at(3), nextAt: at(3) },
      at(2),
    );
    const due = async (campaignId?: number) =>
      (await store.reminders.due(at(3), 10, campaignId)).map((s) => [s.campaignId, s.userId]);
    expect(await due()).toEqual([
      [c.id, "U1"],
      [d.id, "U1"],
      [c.id, "U3"],
    ]);
    expect(s4?.nextAt).toEqual(at(4));
    expect(await due(d.id)).toEqual([[d.id, "U1"]]);
    expect((await store.reminders.due(at(3), 1)).length).toBe(1);
    await store.reminders.closeCampaign(d.id, at(3));
    expect(await due()).toEqual([
      [c.id, "U1"],
      [c.id, "U3"],
    ]);
    expect((await store.reminders.statesForUser("T1", "U1")).map((s) => s.campaignId)).toEqual([c.id, d.id]);
    expect(await store.reminders.getState(s1?.id ?? 0)).toMatchObject({ userId: "U1" });
    expect(await store.reminders.getState(999_999)).toBeUndefined();
  });

  it("transition is compare-and-set: only from the expected state, and only one of two racing clicks", async () => {
    const store = await freshStore(kind);
    const c = await newCampaign(store);
    await store.reminders.addPeople(c.id, people("U1"), at(0));
    const [s] = await store.reminders.statesForCampaign(c.id);
    const id = s?.id ?? 0;
    expect(await store.reminders.transition(id, "snoozed", { state: "done" }, at(1))).toBe(false);
    const results = await Promise.all(
      (["done", "not_using", "snoozed"] as const).map((to) =>
        store.transaction(async (tx) =>
          tx.reminders.transition(id, "pending", { state: to, answeredAt: at(2) }, at(2)),
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.reminders.transition(
      id,
      (await store.reminders.getState(id))?.state ?? "pending",
      { sends: 3, lastSentAt: at(4), nextAt: null },
      at(4),
    );
    expect(await store.reminders.getState(id)).toMatchObject({
      sends: 3,
      lastSentAt: at(4),
      nextAt: null,
      answeredAt: at(2),
      updatedAt: at(4),
    });
  });

  it("counts include anonymous answers; tools replace a person's list; purge drops old closed campaigns", async () => {
    const store = await freshStore(kind);
    const c = await newCampaign(store);
    await store.reminders.addPeople(c.id, people("U1", "U2", "U3"), at(0));
    const [s1] = await store.reminders.statesForCampaign(c.id);
    await store.reminders.transition(s1?.id ?? 0, "pending", { state: "done" }, at(1));
    expect(await store.reminders.counts(c.id)).toEqual({
      done: 1,
      not_using: 0,
      snoozed: 0,
      pending: 2,
      unreachable: 0,
      not_affected: 0,
    });
    await store.reminders.forgetPerson("T1", "U1", at(2));
    expect(await store.reminders.counts(c.id)).toEqual({
      done: 1,
      not_using: 0,
      snoozed: 0,
      pending: 2,
      unreachable: 0,
      not_affected: 0,
    });
    await store.reminders.setTools("T1", "U2", ["zoom", "claude", "claude"], at(3));
    await store.reminders.setTools("T2", "U2", ["gemini"], at(3));
    expect(await store.reminders.tools("T1", "U2")).toEqual([
      { teamId: "T1", userId: "U2", providerId: "claude", addedAt: at(3) },
      { teamId: "T1", userId: "U2", providerId: "zoom", addedAt: at(3) },
    ]);
    await store.reminders.setTools("T1", "U2", ["cursor"], at(4));
    expect((await store.reminders.tools("T1", "U2")).map((t) => t.providerId)).toEqual(["cursor"]);
    await store.reminders.setTools("T1", "U2", [], at(4));
    expect(await store.reminders.tools("T1", "U2")).toEqual([]);
    const old = await newCampaign(store);
    await store.reminders.addPeople(old.id, people("U5"), at(0));
    await store.reminders.closeCampaign(old.id, at(5));
    await store.reminders.closeCampaign(c.id, at(20));
    expect(await store.reminders.purgeClosedBefore(at(10))).toBe(1);
    expect(await store.reminders.getCampaign(old.id)).toBeUndefined();
    expect(await store.reminders.statesForUser("T1", "U5")).toEqual([]);
    expect(await store.reminders.counts(c.id)).toMatchObject({ done: 1 });
    // Ids are never reused, even after the highest campaign was purged.
    await store.reminders.purgeClosedBefore(at(30));
    expect((await newCampaign(store)).id).toBeGreaterThan(old.id);
  });

  it("forgetPerson deletes the person's rows, keeps anonymous counts, and scrubs their ID everywhere", async () => {
    const store = await freshStore(kind);
    const led = await newCampaign(store, { leadId: "UX" });
    const c = await newCampaign(store);
    await store.reminders.addPeople(c.id, people("UX", "U2"), at(0));
    await store.reminders.addPeople(led.id, people("UX"), at(0));
    const [sx] = await store.reminders.statesForCampaign(c.id);
    await store.reminders.transition(sx?.id ?? 0, "pending", { state: "not_using" }, at(1));
    await store.reminders.setTools("T1", "UX", ["claude"], at(1));
    await store.subscriptions.upsert({
      teamId: "T1",
      channelId: "C1",
      providerId: "*",
      kinds: ["changes"],
      createdBy: "UX",
      now: at(0),
    });
    const enqueue = (key: string, channelId: string, notifyUserId?: string) =>
      store.outbox.enqueue(
        { key, kind: "k", teamId: "T1", channelId, payload: { text: `secret ${key}` }, notifyUserId },
        at(0),
      );
    await enqueue("dm-sent", "UX");
    await enqueue("dm-pending", "UX");
    await enqueue("dm-notify-self", "UX", "UX");
    await enqueue("channel", "C1", "UX");
    // The same (Enterprise Grid) user ID in another workspace: none of it is touched.
    const elsewhere = await newCampaign(store, { teamId: "T2", leadId: "UX" });
    await store.reminders.addPeople(elsewhere.id, people("UX"), at(0));
    await store.reminders.setTools("T2", "UX", ["gemini"], at(1));
    await store.audit.record({ at: at(1), teamId: "T2", actorId: "UX", action: "a", detail: {} });
    await store.subscriptions.upsert({
      teamId: "T2",
      channelId: "C2",
      providerId: "*",
      kinds: ["changes"],
      createdBy: "UX",
      now: at(0),
    });
    await store.outbox.enqueue(
      { key: "t2-dm", kind: "k", teamId: "T2", channelId: "UX", payload: { text: "t2" }, notifyUserId: "UX" },
      at(0),
    );
    await store.outbox.markSent((await store.outbox.get("t2-dm"))?.id ?? 0, "2.2", at(1));
    for (const key of ["dm-sent", "dm-notify-self"]) {
      const id = (await store.outbox.get(key))?.id ?? 0;
      await store.outbox.markSent(id, "1.1", at(1));
    }
    const result = await store.reminders.forgetPerson("T1", "UX", at(5));
    expect(result).toEqual({
      states: 2,
      tools: 1,
      campaignsAnonymised: 1,
      outboxScrubbed: 2,
      subscriptionsAnonymised: 1,
    });
    expect(await store.reminders.statesForUser("T1", "UX")).toEqual([]);
    expect(await store.reminders.counts(c.id)).toEqual({
      done: 0,
      not_using: 1,
      snoozed: 0,
      pending: 1,
      unreachable: 0,
      not_affected: 0,
    });
    expect(await store.reminders.counts(led.id)).toEqual({
      done: 0,
      not_using: 0,
      snoozed: 0,
      pending: 1,
      unreachable: 0,
      not_affected: 0,
    });
    expect((await store.reminders.getCampaign(led.id))?.leadId).toBe(FORGOTTEN_ACTOR);
    expect(await store.reminders.tools("T1", "UX")).toEqual([]);
    expect((await store.subscriptions.listForChannel("T1", "C1"))[0]?.createdBy).toBe(FORGOTTEN_ACTOR);
    expect((await store.subscriptions.listForChannel("T2", "C2"))[0]?.createdBy).toBe("UX");
    expect((await store.reminders.statesForUser("T2", "UX")).map((s) => s.campaignId)).toEqual([
      elsewhere.id,
    ]);
    expect((await store.reminders.getCampaign(elsewhere.id))?.leadId).toBe("UX");
    expect((await store.reminders.tools("T2", "UX")).map((t) => t.providerId)).toEqual(["gemini"]);
    expect(await store.audit.forActor("T2", "UX")).toHaveLength(1);
    expect(await store.outbox.get("t2-dm")).toMatchObject({ channelId: "UX", notifyUserId: "UX" });
    expect(await store.outbox.get("dm-sent")).toMatchObject({
      channelId: FORGOTTEN_ACTOR,
      payload: { text: "" },
      updatedAt: at(5),
    });
    expect(await store.outbox.get("dm-notify-self")).toMatchObject({
      channelId: FORGOTTEN_ACTOR,
      notifyUserId: null,
    });
    expect(await store.outbox.get("dm-pending")).toMatchObject({
      channelId: "UX",
      payload: { text: "secret dm-pending" },
    });
    expect(await store.outbox.get("channel")).toMatchObject({ channelId: "C1", notifyUserId: null });
    // Forgetting twice keeps the counts.
    expect(await store.reminders.forgetPerson("T1", "UX", at(6))).toMatchObject({ states: 0 });
    expect(await store.reminders.counts(c.id)).toMatchObject({ not_using: 1 });
  });
});
