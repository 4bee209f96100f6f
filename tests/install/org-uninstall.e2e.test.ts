import { afterEach, describe, expect, it } from "vitest";
import { enqueueMessage } from "../../src/outbox/index.js";
import { quietLogger } from "../announce/helpers.js";
import type { TestBot } from "../support/bot.js";
import { install, postEvent, startDistributedBot } from "./helpers.js";

/**
 * An org-wide (Enterprise Grid) uninstall removes every workspace of the organisation: the ones Slack
 * listed at install time (auth.teams.list) whether or not they ever sent a request, the ones that did,
 * and rows keyed by the enterprise itself; in one transaction, with the counts in the log. Another
 * organisation's and a plain workspace's rows stay.
 */

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

const row = (teamId: string, key: string) => ({
  key,
  kind: "test",
  teamId,
  channelId: `C${teamId}`,
  payload: { text: key, blocks: [{ type: "section", text: { type: "mrkdwn", text: key } }] },
});

describe("org-wide uninstall", () => {
  it("removes every workspace under the enterprise, whichever one the event names", async () => {
    const logger = quietLogger();
    const bot = await startDistributedBot({ logger });
    bots.push(bot);
    const { fake, deps } = bot;
    const { store } = deps;
    fake.addUser({ id: "WORGADMIN", is_admin: true });
    fake.addGrant("code-org", {
      token: "xoxb-org",
      teamId: null,
      enterpriseId: "E0ORG",
      isEnterpriseInstall: true,
      botUserId: "UBOTORG",
      botId: "BBOTORG",
      installerId: "WORGADMIN",
      orgTeams: ["T0WS1", "T0WS2", "T0WS3"],
    });
    fake.addGrant("code-plain", {
      token: "xoxb-plain",
      teamId: "T0PLAIN",
      botUserId: "UBOTP",
      botId: "BBOTP",
      installerId: "WORGADMIN",
    });
    expect((await install(bot.base, "code-org")).status).toBe(200);
    expect((await install(bot.base, "code-plain")).status).toBe(200);
    // Slack's list of the organisation's workspaces is known from the install on.
    expect(await store.installations.teamsOf("E0ORG")).toEqual(["T0WS1", "T0WS2", "T0WS3"]);

    // Rows in workspaces that never sent a request (a job's message), one keyed by the enterprise, and
    // another installation's.
    const now = deps.now();
    await enqueueMessage(store, row("T0WS2", "ws2"), now);
    await enqueueMessage(store, row("T0WS3", "ws3"), now);
    await store.audit.record({ at: now, teamId: "E0ORG", actorId: "WORGADMIN", action: "x", detail: {} });
    await enqueueMessage(store, row("T0PLAIN", "plain"), now);

    expect(
      await postEvent(bot.url, {
        team_id: "T0WS1",
        enterprise_id: "E0ORG",
        is_enterprise_install: true,
        event: { type: "app_uninstalled" },
      }),
    ).toBe(200);
    expect(await store.installations.get("E0ORG")).toBeUndefined();
    expect(await store.installations.teamsOf("E0ORG")).toEqual([]);
    expect((await store.outbox.list({})).map((r) => r.key)).toEqual(["plain"]);
    expect(await store.audit.list("E0ORG", 10)).toEqual([]);
    expect(await store.installations.get("T0PLAIN")).toBeDefined();
    for (const team of ["T0WS1", "T0WS2", "T0WS3"])
      expect(await deps.distributed?.workspaces.clientFor(team)).toBeUndefined();

    const line = logger.lines.find((l) => l.includes("uninstalled from organisation E0ORG"));
    expect(line).toContain("workspaces E0ORG, T0WS1, T0WS2, T0WS3");
    expect(line).toContain("installations 1");
    expect(line).toContain("outbox 2");
    expect(line).toContain("audit_log 1");
    expect(line).toContain("installation_teams 3");
  });

  it("an event that names no workspace still removes the workspaces linked by their requests", async () => {
    const bot = await startDistributedBot();
    bots.push(bot);
    const { store } = bot.deps;
    bot.fake.addGrant("code-org", {
      token: "xoxb-org",
      teamId: null,
      enterpriseId: "E0ORG",
      isEnterpriseInstall: true,
      botUserId: "UBOTORG",
      botId: "BBOTORG",
      installerId: "WORGADMIN",
    });
    expect((await install(bot.base, "code-org")).status).toBe(200);
    const now = bot.deps.now();
    // Not in Slack's list at install time: linked by its first request (fetchInstallation).
    await store.installations.linkTeam("T0LATE", "E0ORG", now);
    await enqueueMessage(store, row("T0LATE", "late"), now);
    const result = await bot.deps.distributed?.workspaces.uninstall({
      teamId: undefined,
      enterpriseId: "E0ORG",
      isEnterpriseInstall: true,
    });
    expect(result?.teams).toEqual(["E0ORG", "T0LATE"]);
    expect(result?.counts).toMatchObject({ installations: 1, outbox: 1, installation_teams: 1 });
    expect(await store.outbox.list({})).toEqual([]);
  });
});
