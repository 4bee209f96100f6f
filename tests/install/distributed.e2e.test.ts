import { afterEach, describe, expect, it } from "vitest";
import { addDays, calendarDate } from "../../src/announce/deadlines.js";
import { announcementJobs } from "../../src/announce/index.js";
import { unseal } from "../../src/install/index.js";
import { backgroundJobs } from "../../src/jobs.js";
import { enqueueMessage } from "../../src/outbox/index.js";
import { startScheduler } from "../../src/scheduler/index.js";
import type { TestBot } from "../support/bot.js";
import { ENCRYPTION_KEY, install, overlayFile, postEvent, startDistributedBot } from "./helpers.js";

/**
 * Distributed mode end to end (issue 10): two workspaces install through the real HTTP flow, each
 * subscribes a channel, one announcement reaches both with each workspace's own token, B uninstalls and
 * its rows are gone, the next announcement reaches only A, and B's commands get a polite answer.
 */

const START = new Date();
const DEADLINE = addDays(calendarDate(START, "UTC"), 3);

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

const textOf = (body: unknown) => JSON.stringify(body ?? {});

describe("distributed mode: installs, per-workspace tokens, uninstall", () => {
  it("two workspaces install, both hear an announcement with their own token; B uninstalls and only A hears the next", async () => {
    let now = START;
    const bot = await startDistributedBot({ now: () => now, env: { CATALOG_PATH: overlayFile(DEADLINE) } });
    bots.push(bot);
    const { fake, deps } = bot;
    fake.addUser({ id: "UADMIN_A", is_admin: true });
    fake.addUser({ id: "UADMIN_B", is_admin: true });
    const workspace = (team: string) => ({
      token: `xoxb-${team}-secret`,
      teamId: team,
      teamName: `Team <${team}>`,
      botUserId: `UBOT${team}`,
      botId: `BBOT${team}`,
      installerId: `UADMIN_${team.slice(1)}`,
    });
    fake.addGrant("code-a", workspace("TA"));
    fake.addGrant("code-b", workspace("TB"));

    for (const code of ["code-a", "code-b"]) {
      const done = await install(bot.base, code);
      expect(done.status, done.html).toBe(200);
      expect(done.html).toContain("Installed");
      expect(done.html).not.toContain("<TA>"); // the team name is escaped
    }
    const stored = await deps.store.installations.get("TA");
    expect(stored?.botUserId).toBe("UBOTTA");
    expect(stored?.installerUserId).toBe("UADMIN_A");
    // At rest the token is sealed: not the token, and opens only with the key.
    expect(stored?.botToken).toMatch(/^v1\./);
    expect(stored?.botToken).not.toContain("xoxb");
    expect(unseal(Buffer.from(ENCRYPTION_KEY, "base64"), stored?.botToken ?? "")).toBe("xoxb-TA-secret");

    const subA = await bot.command("subscribe", { team_id: "TA", user_id: "UADMIN_A", channel_id: "CA" });
    const subB = await bot.command("subscribe", { team_id: "TB", user_id: "UADMIN_B", channel_id: "CB" });
    expect(textOf(subA.body)).toContain("will get");
    expect(textOf(subB.body)).toContain("will get");
    // The channel check ran with each workspace's token.
    const infoFor = (channel: string) =>
      fake
        .callsTo("conversations.info")
        .filter((c) => c.args.channel === channel)
        .map((c) => c.authorization);
    expect(infoFor("CA")).toEqual(["Bearer xoxb-TA-secret"]);
    expect(infoFor("CB")).toEqual(["Bearer xoxb-TB-secret"]);

    const { deliverer } = backgroundJobs(deps);
    const scheduler = startScheduler(
      deps,
      announcementJobs(deps, { deliverer }).map((j) => ({ ...j, cron: "0 0 1 1 *", runOnStart: false })),
    );
    await scheduler.runNow("announcements");
    await scheduler.runNow("outbox");
    const posts = () => fake.callsTo("chat.postMessage").map((c) => [c.args.channel, c.authorization]);
    expect(posts().sort()).toEqual([
      ["CA", "Bearer xoxb-TA-secret"],
      ["CB", "Bearer xoxb-TB-secret"],
    ]);

    // B removes the app: Slack sends app_uninstalled and the token stops working.
    fake.revoked.add("xoxb-TB-secret");
    expect(await postEvent(bot.url, { team_id: "TB", event: { type: "app_uninstalled" } })).toBe(200);
    expect(await deps.store.installations.get("TB")).toBeUndefined();
    expect(await deps.store.subscriptions.listForChannel("TB", "CB")).toEqual([]);
    expect((await deps.store.outbox.list({})).filter((r) => r.teamId === "TB")).toEqual([]);
    expect(await deps.store.audit.list("TB", 10)).toEqual([]);
    // A is untouched.
    expect(await deps.store.installations.get("TA")).toBeDefined();
    expect(await deps.store.subscriptions.listForChannel("TA", "CA")).toHaveLength(1);
    expect(await deps.store.audit.list("TA", 10)).toHaveLength(1);

    // Two days later the 1-day announcement goes out: to A only.
    now = new Date(START.getTime() + 2 * 86_400_000);
    const before = posts().length;
    await scheduler.runNow("announcements");
    await scheduler.runNow("outbox");
    expect(posts().slice(before)).toEqual([["CA", "Bearer xoxb-TA-secret"]]);

    // A row for B enqueued anyway (a job racing the uninstall) is cancelled, not retried forever.
    await enqueueMessage(
      deps.store,
      {
        key: "test:late-for-b",
        kind: "test",
        teamId: "TB",
        channelId: "CB",
        payload: { text: "late", blocks: [{ type: "section", text: { type: "mrkdwn", text: "late" } }] },
      },
      now,
    );
    await scheduler.runNow("outbox");
    await scheduler.stop();
    const late = await deps.store.outbox.get("test:late-for-b");
    expect(late?.status).toBe("cancelled");
    expect(late?.lastError).toContain("no installation");
    expect(fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "CB")).toHaveLength(1);

    // A command signed for B after the uninstall: a polite answer, nothing done.
    const afterwards = await bot.command("subscribe", {
      team_id: "TB",
      user_id: "UADMIN_B",
      channel_id: "CB",
    });
    expect(afterwards.status).toBe(200);
    expect(afterwards.body?.response_type).toBe("ephemeral");
    expect(textOf(afterwards.body)).toContain("not installed in this workspace");
    expect(await deps.store.subscriptions.listForChannel("TB", "CB")).toEqual([]);

    // Reinstalling B starts clean and works again with its new token.
    fake.addGrant("code-b2", { ...workspace("TB"), token: "xoxb-TB-again" });
    expect((await install(bot.base, "code-b2")).status).toBe(200);
    const again = await bot.command("subscriptions", {
      team_id: "TB",
      user_id: "UADMIN_B",
      channel_id: "CB",
    });
    expect(textOf(again.body)).not.toContain("not installed");
  });

  it("an org-wide (Enterprise Grid) install is keyed by the enterprise and serves its workspaces", async () => {
    const bot = await startDistributedBot();
    bots.push(bot);
    const { fake, deps } = bot;
    fake.addUser({ id: "WORGADMIN", is_admin: true });
    fake.addGrant("code-org", {
      token: "xoxb-org-secret",
      teamId: null,
      enterpriseId: "E0ORG",
      isEnterpriseInstall: true,
      botUserId: "UBOTORG",
      botId: "BBOTORG",
      installerId: "WORGADMIN",
    });
    const done = await install(bot.base, "code-org");
    expect(done.status, done.html).toBe(200);
    const record = await deps.store.installations.get("E0ORG");
    expect(record?.isEnterpriseInstall).toBe(true);
    expect(record?.teamId).toBeNull();

    // A command from a workspace of the organisation is authorized with the organisation's token.
    const body = new URLSearchParams({
      team_id: "T0WS1",
      enterprise_id: "E0ORG",
      is_enterprise_install: "true",
      channel_id: "CORG",
      user_id: "WORGADMIN",
      command: "/ai-privacy",
      text: "subscribe",
      api_app_id: "A0APP",
      response_url: fake.responseUrl(),
      trigger_id: "1.2.3",
    }).toString();
    const { postSigned } = await import("../support/signing.js");
    const { TEST_SIGNING_SECRET } = await import("../support/bot.js");
    const res = await postSigned(bot.url, body, { secret: TEST_SIGNING_SECRET });
    expect(await res.text()).toContain("will get");
    expect(fake.callsTo("conversations.info").map((c) => c.authorization)).toEqual([
      "Bearer xoxb-org-secret",
    ]);
    // The deliverer finds the organisation's token from the workspace of a row.
    const client = await deps.distributed?.workspaces.clientFor("T0WS1");
    expect(client).toBeDefined();

    // Uninstalling the organisation removes its workspaces' rows too.
    expect(
      await postEvent(bot.url, {
        team_id: "T0WS1",
        enterprise_id: "E0ORG",
        is_enterprise_install: true,
        event: { type: "app_uninstalled" },
      }),
    ).toBe(200);
    expect(await deps.store.installations.get("E0ORG")).toBeUndefined();
    expect(await deps.store.subscriptions.listForChannel("T0WS1", "CORG")).toEqual([]);
    expect(await deps.distributed?.workspaces.clientFor("T0WS1")).toBeUndefined();
  });
});
