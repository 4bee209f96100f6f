import { describe, expect, it } from "vitest";
import { DIRECTORY_THRESHOLD, describeSkipped, resolveAudience } from "../../src/reminders/index.js";
import type { SlackApi, SlackUser } from "../../src/slack/api.js";

const user = (id: string, over: Partial<SlackUser> = {}): SlackUser => ({
  id,
  name: id,
  tz: "Asia/Tokyo",
  isAdmin: false,
  isOwner: false,
  isBot: false,
  deleted: false,
  ...over,
});

function slack(users: SlackUser[], members: Record<string, string[]>, calls: string[]): SlackApi {
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    userInfo: async (id) => {
      calls.push(`users.info ${id}`);
      if (id === "UFLAKY") throw new Error("fetch failed");
      return byId.get(id);
    },
    channelMembers: async (id) => {
      const m = members[id];
      if (!m) throw Object.assign(new Error("x"), { data: { error: "not_in_channel" } });
      return m;
    },
    usergroupMembers: async (id) => members[id] ?? [],
    channelAccess: async () => ({ ok: true }),
    publishHome: async () => {},
    listUsers: async () => {
      calls.push("users.list");
      return users;
    },
  };
}

describe("resolving a reminder audience", () => {
  it("dedupes mentions, channel and group members; skips bots, deactivated, unknown and failed lookups; caps the size", async () => {
    const calls: string[] = [];
    const api = slack(
      [
        user("U1"),
        user("U2", { tz: undefined }),
        user("U3"),
        user("UBOT", { isBot: true }),
        user("UOLD", { deleted: true }),
      ],
      { C1: ["U1", "U2", "UBOT", "UOLD", "UGHOST", "UFLAKY"], S1: ["U2", "U3"] },
      calls,
    );
    const result = await resolveAudience(
      api,
      { users: ["U1"], channels: ["C1", "CSECRET"], usergroups: ["S1"] },
      6,
    );
    expect(result.people).toEqual([
      { userId: "U1", tz: "Asia/Tokyo" },
      { userId: "U2", tz: null },
    ]);
    expect(result.skipped).toEqual({ bots: 1, deactivated: 1, unknown: 1, failed: 1, overCap: 1 });
    expect(result.problems[0]).toContain("<#CSECRET> (not_in_channel)");
    expect(describeSkipped(result.skipped, 6)).toEqual([
      "1 skipped (bot)",
      "1 skipped (deactivated)",
      "1 skipped (not found in this workspace)",
      "1 skipped (Slack didn't answer; run it again later)",
      "1 skipped (over the 6-person limit)",
    ]);
    expect(calls.filter((c) => c === "users.info U1")).toHaveLength(1);
  });

  it("reads the directory in bulk (users.list) for large audiences", async () => {
    const calls: string[] = [];
    const many = Array.from({ length: DIRECTORY_THRESHOLD + 5 }, (_, i) => user(`U${i}`));
    const api = slack(many, { C1: many.map((u) => u.id) }, calls);
    const result = await resolveAudience(api, { users: [], channels: ["C1"], usergroups: [] });
    expect(result.people).toHaveLength(DIRECTORY_THRESHOLD + 5);
    expect(calls).toEqual(["users.list"]);
    const small = await resolveAudience(api, { users: ["U1"], channels: [], usergroups: [] });
    expect(small.people).toHaveLength(1);
    expect(calls.at(-1)).toBe("users.info U1");
  });
});
