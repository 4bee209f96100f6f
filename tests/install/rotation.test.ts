import { afterEach, describe, expect, it } from "vitest";
import { unseal } from "../../src/install/index.js";
import type { TestBot } from "../support/bot.js";
import { ENCRYPTION_KEY, install, startDistributedBot } from "./helpers.js";

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
