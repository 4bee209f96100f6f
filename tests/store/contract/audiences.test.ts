import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

const campaign = (store: Store, teamId = "T1") =>
  store.reminders.createCampaign({
    teamId,
    leadId: "ULEAD",
    channelId: "C1",
    providerId: "claude",
    deadline: null,
    now: at(0),
  });

// Microsecond times as Slack's event_ts gives them: beyond 2^32, within Number.MAX_SAFE_INTEGER.
const us = (minute: number, micros = 0) => at(minute).getTime() * 1000 + micros;

describe.each(KINDS)("audience repository contract (%s)", (kind) => {
  it("keeps the sources of open campaigns per workspace, and the lead's auto-enrol switch", async () => {
    const store = await freshStore(kind);
    const a = await campaign(store);
    const b = await campaign(store, "T2");
    await store.audiences.addSources(
      [
        { campaignId: a.id, teamId: "T1", kind: "channel", sourceId: "C9" },
        { campaignId: a.id, teamId: "T1", kind: "usergroup", sourceId: "S9" },
      ],
      true,
    );
    await store.audiences.addSources(
      [{ campaignId: b.id, teamId: "T2", kind: "channel", sourceId: "C9" }],
      false,
    );
    // Adding a source twice is harmless.
    await store.audiences.addSources(
      [{ campaignId: a.id, teamId: "T1", kind: "channel", sourceId: "C9" }],
      true,
    );
    expect(await store.audiences.sources(a.id)).toEqual([
      { campaignId: a.id, teamId: "T1", kind: "channel", sourceId: "C9", autoEnrol: true },
      { campaignId: a.id, teamId: "T1", kind: "usergroup", sourceId: "S9", autoEnrol: true },
    ]);
    const c9 = await store.audiences.openSources({ teamId: "T2", kind: "channel", sourceId: "C9" });
    expect(c9.map((s) => [s.campaignId, s.autoEnrol])).toEqual([[b.id, false]]);
    expect(await store.audiences.openSources()).toHaveLength(3);
    await store.audiences.setAutoEnrol(a.id, false);
    expect((await store.audiences.sources(a.id)).every((s) => !s.autoEnrol)).toBe(true);
    await store.reminders.closeCampaign(a.id, at(5));
    expect((await store.audiences.openSources()).map((s) => s.campaignId)).toEqual([b.id]);
  });

  it("records only newer facts: retries and out-of-order events change nothing", async () => {
    const store = await freshStore(kind);
    const c = await campaign(store);
    const join = { userId: "U1", status: "member" as const, seenUs: us(1, 7) };
    expect(await store.audiences.record(c.id, "T1", "C9", [join])).toEqual(["U1"]);
    expect(await store.audiences.record(c.id, "T1", "C9", [join])).toEqual([]);
    // A leave that happened one microsecond earlier arrives late: ignored.
    expect(
      await store.audiences.record(c.id, "T1", "C9", [{ userId: "U1", status: "left", seenUs: us(1, 6) }]),
    ).toEqual([]);
    expect(await store.audiences.isMember(c.id, "U1")).toBe(true);
    expect(
      await store.audiences.record(c.id, "T1", "C9", [{ userId: "U1", status: "left", seenUs: us(2) }]),
    ).toEqual(["U1"]);
    expect(await store.audiences.isMember(c.id, "U1")).toBe(false);
    // Still in another source of the same campaign: a member.
    await store.audiences.record(c.id, "T1", "S9", [{ userId: "U1", status: "member", seenUs: us(0) }]);
    expect(await store.audiences.isMember(c.id, "U1")).toBe(true);
    expect(await store.audiences.isMember(c.id, "U2")).toBeUndefined();
    const members = await store.audiences.members(c.id, "C9");
    expect(members.get("U1")).toEqual({
      campaignId: c.id,
      teamId: "T1",
      userId: "U1",
      sourceId: "C9",
      status: "left",
      seenUs: us(2),
      joinedAt: null,
    });
  });

  it("counts joiners and leavers among the people asked; my-data and forget-me stay in one workspace", async () => {
    const store = await freshStore(kind);
    const c = await campaign(store);
    const other = await campaign(store, "T2");
    const many = Array.from({ length: 1203 }, (_, i) => ({
      userId: `U${i}`,
      status: "member" as const,
      seenUs: us(0),
    }));
    expect(await store.audiences.record(c.id, "T1", "C9", many)).toHaveLength(1203);
    await store.reminders.addPeople(
      c.id,
      ["U1", "U2", "U3"].map((userId) => ({ userId, tz: null, nextAt: at(1) })),
      at(0),
    );
    await store.audiences.record(c.id, "T1", "C9", [
      { userId: "U2", status: "left", seenUs: us(3) },
      // Left, but never asked in this campaign: not counted.
      { userId: "U500", status: "left", seenUs: us(3) },
    ]);
    await store.audiences.markJoined(c.id, "U3", at(4));
    await store.audiences.markJoined(c.id, "U3", at(9));
    expect(await store.audiences.counts(c.id)).toEqual({ joined: 1, left: 1 });
    expect((await store.audiences.members(c.id, "C9")).get("U3")?.joinedAt).toEqual(at(4));

    await store.audiences.record(other.id, "T2", "C9", [{ userId: "U2", status: "member", seenUs: us(0) }]);
    expect((await store.audiences.forUser("T1", "U2")).map((m) => m.status)).toEqual(["left"]);
    expect(await store.audiences.forgetPerson("T1", "U2")).toBe(1);
    expect(await store.audiences.forUser("T1", "U2")).toEqual([]);
    expect(await store.audiences.forUser("T2", "U2")).toHaveLength(1);
    // Purging a campaign removes its rows with it.
    await store.reminders.closeCampaign(c.id, at(10));
    await store.reminders.purgeClosedBefore(at(20));
    expect(await store.audiences.forUser("T1", "U3")).toEqual([]);
  });
});
