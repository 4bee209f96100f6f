import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@slack/logger";
import { afterEach, describe, expect, it } from "vitest";
import { type Bot, createBot } from "../../src/app.js";
import { loadCatalog } from "../../src/catalog/index.js";
import { parseConfig } from "../../src/config.js";
import { openSqliteStore } from "../../src/store/index.js";
import { buildDeps, makeLogger } from "../../src/wiring.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { FakeSocketMode } from "../support/fake-socket-mode.js";
import { openTestStore } from "../support/store.js";

/** Issue 8 items 2–3: /healthz says whether Slack and the database are usable, in both modes. */

function recordingLogger(): Logger & { errors: string[] } {
  const base = makeLogger("error");
  const errors: string[] = [];
  return Object.assign(Object.create(base) as Logger, {
    errors,
    error: (...msg: unknown[]) => {
      errors.push(msg.map(String).join(" "));
    },
  });
}

async function health(base: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

// On a SQLite file whatever TEST_STORE says: these cases delete or corrupt the database file under the
// running bot. PostgreSQL going away is covered by tests/store/contract/unavailable.test.ts.
describe("/healthz in HTTP mode", () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  const start = async () => {
    const dir = mkdtempSync(join(tmpdir(), "aipb-health-"));
    const path = join(dir, "bot.db");
    const logger = recordingLogger();
    const store = openSqliteStore(path);
    bot = await startTestBot({ store, databasePath: path, logger });
    return { path, logger, bot, store };
  };

  it("reports both parts ok while they are", async () => {
    const { bot } = await start();
    const { status, body } = await health(bot.base);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      mode: "http",
      checks: { slack: { ok: true }, database: { ok: true } },
      failing: [],
    });
  });

  it("a deleted database file: 503 naming the database, and an error in the log", async () => {
    const { bot, path, logger } = await start();
    rmSync(path);
    const { status, body } = await health(bot.base);
    expect(status).toBe(503);
    expect(body.failing).toEqual(["database"]);
    expect(JSON.stringify(body.checks)).toContain("was deleted while running");
    expect(logger.errors.join("\n")).toMatch(/health: database is failing: .*deleted/);
    // Commands still get an answer (from memory-held state); the operator has been told.
    expect((await bot.command("claude")).status).toBe(200);
  });

  it("a database file replaced by another (restored backup, moved file): 503", async () => {
    const { bot, path } = await start();
    renameSync(path, `${path}.old`);
    writeFileSync(path, "");
    const { status, body } = await health(bot.base);
    expect(status).toBe(503);
    expect(JSON.stringify(body.checks)).toContain("was replaced while running");
  });

  it("a corrupted database file (overwritten in place): 503", async () => {
    const { bot, path } = await start();
    writeFileSync(path, "this is not a database any more".repeat(200), { flag: "r+" });
    const { status, body } = await health(bot.base);
    expect(status).toBe(503);
    expect(JSON.stringify(body.checks)).toContain("not a SQLite database");
  });

  it("Slack unreachable or refusing the token: 503 naming Slack", async () => {
    const { bot } = await start();
    bot.fake.inject("auth.test", { kind: "reset" }, { times: 1 });
    let res = await health(bot.base);
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(["slack"]);
    bot.fake.inject("auth.test", { kind: "error", error: "token_revoked" }, { times: 1 });
    res = await health(bot.base);
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body.checks)).toContain("token refused: token_revoked");
    res = await health(bot.base);
    expect(res.status).toBe(200);
  });
});

describe("/healthz in Socket Mode", () => {
  it("is served on PORT with the same checks", async () => {
    const fake = new FakeSlack();
    const socket = new FakeSocketMode(fake);
    await fake.start();
    await socket.start();
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-socket-test",
      SLACK_APP_TOKEN: "xapp-1-A0APP-1-abcdef",
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: "sqlite::memory:",
      LOG_LEVEL: "error",
    });
    const store = await openTestStore();
    const deps = await buildDeps(config, { store, logger: makeLogger("error"), catalog: loadCatalog() });
    const bot: Bot = createBot(deps, { healthCacheMs: 0 });
    try {
      const { port } = await bot.start({ port: 0, host: "127.0.0.1" });
      await socket.waitForConnection();
      const res = await health(`http://127.0.0.1:${port}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, mode: "socket", checks: { slack: { ok: true } } });
      fake.inject("auth.test", { kind: "http", status: 503 });
      expect((await health(`http://127.0.0.1:${port}`)).status).toBe(503);
    } finally {
      await bot.stop();
      await store.close();
      await socket.stop();
      await fake.stop();
    }
  });
});
