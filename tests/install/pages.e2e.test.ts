import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.js";
import { parseEncryptionKey, seal, unseal } from "../../src/install/index.js";
import type { TestBot } from "../support/bot.js";
import { install, redirect, startDistributedBot, startInstall } from "./helpers.js";

/** Every way an install can go wrong shows a plain, escaped page with what to do, and stores nothing. */

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

const grant = (token: string) => ({
  token,
  teamId: "TA",
  botUserId: "UBOTA",
  botId: "BBOTA",
  installerId: "UADMIN",
});

describe("install pages: bad input", () => {
  it("forged, replayed or cookie-less state, missing code, a refused code and a denied install: 400, nothing stored", async () => {
    const bot = await startDistributedBot();
    bots.push(bot);
    const { fake, deps } = bot;
    fake.addGrant("good", grant("xoxb-a"));

    const page = await startInstall(bot.base);
    expect(page.html).toContain("Add to Slack");
    expect(page.cookie).toMatch(/^slack-app-oauth-state=/);

    const cases: [string, Promise<{ status: number; html: string }>, string][] = [
      [
        "forged state",
        redirect(bot.base, { code: "good", state: "forged" }, "slack-app-oauth-state=forged"),
        "expired or was already used",
      ],
      [
        "state without its cookie",
        redirect(bot.base, { code: "good", state: page.state }),
        "expired or was already used",
      ],
      ["missing code", redirect(bot.base, { state: page.state }, page.cookie), "no <code>code</code>"],
      [
        "denied",
        redirect(bot.base, { error: "access_denied", state: page.state }, page.cookie),
        "chose not to allow",
      ],
      ["another Slack error, escaped", redirect(bot.base, { error: "<script>x</script>" }), "&lt;script&gt;"],
    ];
    for (const [name, pending, text] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(400);
      expect(res.html, name).toContain(text);
      expect(res.html, name).not.toContain("<script>");
      expect(res.html, name).toContain('href="/slack/install"');
    }
    const refused = await install(bot.base, "no-such-code");
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("invalid_code");
    expect(await deps.store.installations.count()).toBe(0);
    expect(fake.callsTo("oauth.v2.access")).toHaveLength(1); // only the refused code reached Slack

    // A good install works once; the same redirect replayed is refused.
    const fresh = await startInstall(bot.base);
    const first = await redirect(bot.base, { code: "good", state: fresh.state }, fresh.cookie);
    expect(first.status, first.html).toBe(200);
    fake.addGrant("good", grant("xoxb-replayed"));
    const replay = await redirect(bot.base, { code: "good", state: fresh.state }, fresh.cookie);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain("already used");
    expect(await deps.store.installations.count()).toBe(1);
  });
});

describe("distributed configuration", () => {
  const distributed = {
    SLACK_CLIENT_ID: "1111.2222",
    SLACK_CLIENT_SECRET: "0123456789abcdef0123456789abcdef",
    SLACK_STATE_SECRET: "a-state-secret-that-is-long-enough-0123456789",
    INSTALLATION_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("hex"),
    SLACK_SIGNING_SECRET: "0123456789abcdef0123",
  };
  const problems = (env: Record<string, string>): string => {
    try {
      parseConfig(env);
      return "";
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.join("\n");
      throw err;
    }
  };

  it("distributed mode: default scopes from the manifest, or SLACK_SCOPES", () => {
    const c = parseConfig(distributed);
    expect(c.slackAuth.mode).toBe("distributed");
    if (c.slackAuth.mode === "distributed") expect(c.slackAuth.scopes).toContain("chat:write");
    const o = parseConfig({ ...distributed, SLACK_SCOPES: "commands, chat:write" });
    if (o.slackAuth.mode === "distributed") expect(o.slackAuth.scopes).toEqual(["commands", "chat:write"]);
  });

  it("exactly one mode; a missing or bad part is named with how to fix it", () => {
    expect(problems({ ...distributed, SLACK_BOT_TOKEN: "xoxb-1" })).toContain("choose one mode");
    const { INSTALLATION_ENCRYPTION_KEY: _, ...noKey } = distributed;
    expect(problems(noKey)).toContain("INSTALLATION_ENCRYPTION_KEY is required in distributed mode");
    expect(problems(noKey)).toContain("randomBytes(32)");
    expect(problems({ ...distributed, INSTALLATION_ENCRYPTION_KEY: "short" })).toContain(
      "INSTALLATION_ENCRYPTION_KEY must be 32 random bytes",
    );
    expect(problems({ ...distributed, ADMIN_USER_IDS: "U01ABCDEF" })).toContain("ADMIN_USER_IDS");
    expect(problems({ SLACK_SIGNING_SECRET: distributed.SLACK_SIGNING_SECRET })).toContain("SLACK_CLIENT_ID");
  });

  it("the default scopes are the manifest's bot scopes", async () => {
    const { readFileSync } = await import("node:fs");
    const { parse } = await import("yaml");
    const { DEFAULT_SCOPES } = await import("../../src/config.js");
    const manifest = parse(readFileSync("manifest.yml", "utf8")) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    expect([...DEFAULT_SCOPES]).toEqual(manifest.oauth_config.scopes.bot);
  });
});

describe("sealed tokens", () => {
  const key = Buffer.alloc(32, 9);
  it("AES-256-GCM, versioned, a fresh IV per value; a wrong key or a tampered value does not open", () => {
    const a = seal(key, "xoxb-secret");
    const b = seal(key, "xoxb-secret");
    expect(a).toMatch(/^v1\./);
    expect(a).not.toBe(b);
    expect(unseal(key, a)).toBe("xoxb-secret");
    expect(() => unseal(Buffer.alloc(32, 8), a)).toThrow(/INSTALLATION_ENCRYPTION_KEY/);
    const parts = a.split(".");
    parts[3] = Buffer.from("xoxb-forged").toString("base64url");
    expect(() => unseal(key, parts.join("."))).toThrow();
    expect(() => unseal(key, `v2.${parts.slice(1).join(".")}`)).toThrow(/format/);
  });
  it("keys: 64 hex digits or base64 of 32 bytes", () => {
    expect(parseEncryptionKey("ab".repeat(32)).ok).toBe(true);
    expect(parseEncryptionKey(Buffer.alloc(32).toString("base64")).ok).toBe(true);
    expect(parseEncryptionKey(Buffer.alloc(16).toString("base64")).ok).toBe(false);
  });
});
