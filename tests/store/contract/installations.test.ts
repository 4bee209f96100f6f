import { describe, expect, it } from "vitest";
import type { InstallationRecord } from "../../../src/store/index.js";
import { at, freshStore, KINDS } from "./stores.js";

const record = (extra: Partial<InstallationRecord> = {}): InstallationRecord => ({
  key: "TR",
  teamId: "TR",
  enterpriseId: null,
  isEnterpriseInstall: false,
  botToken: "v1.sealed-bot",
  botUserId: "UBOT",
  botId: "BBOT",
  scopes: ["chat:write"],
  installerUserId: "UADMIN",
  refreshToken: "v1.sealed-refresh-1",
  tokenExpiresAt: at(10),
  installedAt: at(0),
  updatedAt: at(0),
  ...extra,
});

describe.each(KINDS)("installations contract (%s)", (kind) => {
  it("a refresh claim: one holder at a time, only on the current refresh token, lapses, ends with the save", async () => {
    const store = await freshStore(kind);
    await store.installations.save(record());
    const claim = (token: string, minute: number) =>
      store.installations.claimRefresh("TR", token, at(minute), at(minute + 1));
    expect(await claim("v1.sealed-refresh-1", 0)).toBe(true);
    expect(await claim("v1.sealed-refresh-1", 0)).toBe(false); // held
    expect(await claim("v1.other", 5)).toBe(false); // not the stored refresh token
    expect(await claim("v1.sealed-refresh-1", 1)).toBe(true); // lapsed at minute 1: taken over
    await store.installations.releaseRefresh("TR", "v1.sealed-refresh-1");
    expect(await claim("v1.sealed-refresh-1", 1)).toBe(true); // released

    const next = record({ botToken: "v1.bot-2", refreshToken: "v1.sealed-refresh-2", updatedAt: at(2) });
    expect(await store.installations.saveRefreshed(next, "v1.other")).toBe(false);
    expect(await store.installations.saveRefreshed(next, "v1.sealed-refresh-1")).toBe(true);
    expect(await store.installations.get("TR")).toEqual(next);
    // The save ended the claim: the new refresh token can be claimed at once; the old one never again.
    expect(await claim("v1.sealed-refresh-1", 2)).toBe(false);
    expect(await claim("v1.sealed-refresh-2", 2)).toBe(true);
    // A reinstall ends a claim too.
    await store.installations.save(record({ refreshToken: "v1.sealed-refresh-2", updatedAt: at(3) }));
    expect(await claim("v1.sealed-refresh-2", 2)).toBe(true);
  });

  it("purge of an org-wide install: the key, the named and every linked workspace, in one go", async () => {
    const store = await freshStore(kind);
    await store.installations.save(
      record({ key: "E1", teamId: null, enterpriseId: "E1", isEnterpriseInstall: true }),
    );
    await store.installations.save(record({ key: "T9", teamId: "T9" }));
    await store.installations.linkTeam("T1", "E1", at(0));
    await store.installations.linkTeam("T2", "E1", at(0));
    for (const team of ["E1", "T1", "T2", "T3", "T9"])
      await store.audit.record({ at: at(1), teamId: team, actorId: "U1", action: "a", detail: {} });
    const { teams, counts } = await store.installations.purge({
      key: "E1",
      teamIds: ["T3"],
      organisation: true,
    });
    expect(teams).toEqual(["E1", "T1", "T2", "T3"]);
    expect(counts).toMatchObject({ installations: 1, audit_log: 4, installation_teams: 2 });
    expect(await store.audit.list("T9", 10)).toHaveLength(1);
    expect(await store.installations.get("T9")).toBeDefined();
    expect(await store.installations.teamsOf("E1")).toEqual([]);
  });
});
