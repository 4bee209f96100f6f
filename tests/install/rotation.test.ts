import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createInstaller, createWorkspaces, seal, unseal } from "../../src/install/index.js";
import { createDeliveryClient } from "../../src/outbox/index.js";
import { quietLogger } from "../announce/helpers.js";
import type { TestBot } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { openTestStoreAt } from "../support/store.js";
import { ENCRYPTION_KEY, install, STATE_SECRET, startDistributedBot } from "./helpers.js";

/** Token rotation: a bot token expiring within two hours is refreshed before use, for jobs and requests. */

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

describe("token rotation", () => {
  it("the deliverer's token lookup refreshes an expiring token once and stores the new pair sealed", async () => {
    const bot = await startDistributedBot();
    bots.push(bot);
    const { fake, deps } = bot;
    fake.addGrant("code", {
      token: "xoxb-rot",
      teamId: "TR",
      botUserId: "UBOTR",
      botId: "BBOTR",
      installerId: "UADMIN",
      refreshToken: "xoxe-1-r",
      expiresIn: 600, // inside @slack/oauth's two-hour refresh window
    });
    expect((await install(bot.base, "code")).status).toBe(200);
    const before = await deps.store.installations.get("TR");
    expect(before?.refreshToken).toMatch(/^v1\./);
    expect(before?.tokenExpiresAt).not.toBeNull();

    const token = await deps.distributed?.workspaces.tokenFor("TR");
    expect(token).toBe("xoxb-rot-r1");
    expect(fake.refreshes).toEqual(["xoxe-1-r"]);
    const after = await deps.store.installations.get("TR");
    const key = Buffer.from(ENCRYPTION_KEY, "base64");
    expect(unseal(key, after?.botToken ?? "")).toBe("xoxb-rot-r1");
    expect(unseal(key, after?.refreshToken ?? "")).toBe("xoxe-1-r-r1");
    expect(after?.installedAt.getTime()).toBe(before?.installedAt.getTime());

    // A request from the workspace now uses the new token; nothing is refreshed twice.
    fake.addUser({ id: "UADMIN", is_admin: true });
    await bot.command("subscribe", { team_id: "TR", user_id: "UADMIN", channel_id: "CR" });
    expect(fake.callsTo("conversations.info").map((c) => c.authorization)).toEqual(["Bearer xoxb-rot-r1"]);
    expect(fake.refreshes).toHaveLength(1);
  });
});

/**
 * Two instances over one database, each with its own @slack/oauth InstallProvider and token cache: what two
 * processes have in common is the store only.
 */
describe("token rotation across instances", () => {
  const key = Buffer.from(ENCRYPTION_KEY, "base64");
  const T0 = new Date("2026-12-02T09:00:00Z");

  async function setUp(now: () => Date) {
    const fake = new FakeSlack();
    await fake.start();
    const file = join(mkdtempSync(join(tmpdir(), "aipb-rotation-")), "bot.db");
    const stores = await Promise.all([openTestStoreAt(file), openTestStoreAt(file)]);
    const auth = {
      clientId: fake.oauthClient.id,
      clientSecret: fake.oauthClient.secret,
      stateSecret: STATE_SECRET,
      encryptionKey: key,
      scopes: ["chat:write"],
    };
    const instances = stores.map((store) => {
      const logger = quietLogger();
      const installer = createInstaller({ auth, store, now, logger, slackApiUrl: fake.apiUrl });
      return createWorkspaces({
        installer,
        store,
        logger,
        makeClient: (token) => createDeliveryClient(token, fake.apiUrl),
      });
    });
    // Installed with a token that expires in ten minutes (inside the two-hour refresh window).
    fake.workspaces.set("xoxb-rot", {
      token: "xoxb-rot",
      teamId: "TR",
      botUserId: "UBOTR",
      botId: "BBOTR",
      installerId: "UADMIN",
      refreshToken: "xoxe-1-r",
    });
    await stores[0]?.installations.save({
      key: "TR",
      teamId: "TR",
      enterpriseId: null,
      isEnterpriseInstall: false,
      botToken: seal(key, "xoxb-rot"),
      botUserId: "UBOTR",
      botId: "BBOTR",
      scopes: ["chat:write"],
      installerUserId: "UADMIN",
      refreshToken: seal(key, "xoxe-1-r"),
      tokenExpiresAt: new Date(now().getTime() + 10 * 60_000),
      installedAt: T0,
      updatedAt: T0,
    });
    stops.push(async () => {
      for (const s of stores) await s.close();
      await fake.stop();
    });
    return { fake, stores, instances };
  }

  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  it("two instances refreshing at once spend the refresh token once and both use the one new token", async () => {
    const { fake, stores, instances } = await setUp(() => T0);
    // Slack takes its time, so both instances see the expiring token before either has a new one.
    fake.inject("oauth.v2.access", { kind: "delay", ms: 300 }, { times: 2 });
    const [a, b] = await Promise.all(instances.map((w) => w.tokenFor("TR")));
    expect(fake.refreshes).toEqual(["xoxe-1-r"]);
    expect(a).toBe("xoxb-rot-r1");
    expect(b).toBe(a);
    expect(fake.revoked.has(a ?? "")).toBe(false);
    const stored = await stores[1]?.installations.get("TR");
    expect(unseal(key, stored?.botToken ?? "")).toBe("xoxb-rot-r1");
    expect(unseal(key, stored?.refreshToken ?? "")).toBe("xoxe-1-r-r1");
    // Both post with it and Slack takes it.
    for (const w of instances) {
      const client = await w.clientFor("TR");
      expect((await client?.chat.postMessage({ channel: "C1", text: "hi" }))?.ok).toBe(true);
    }
  });

  it("a claim left by an instance that died mid-refresh lapses, and another instance refreshes", async () => {
    let now = T0;
    const { fake, stores, instances } = await setUp(() => now);
    const sealed = (await stores[0]?.installations.get("TR"))?.refreshToken ?? "";
    expect(
      await stores[0]?.installations.claimRefresh("TR", sealed, now, new Date(now.getTime() + 30_000)),
    ).toBe(true);
    now = new Date(T0.getTime() + 31_000);
    expect(await instances[1]?.tokenFor("TR")).toBe("xoxb-rot-r1");
    expect(fake.refreshes).toEqual(["xoxe-1-r"]);
  });
});
