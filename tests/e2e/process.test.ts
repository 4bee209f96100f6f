import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SIGNING_SECRET } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { postSigned, slashCommandBody } from "../support/signing.js";
import { spawnDatabaseUrl } from "../support/store.js";

/** `npm start` as an operator runs it: the built dist/main.js, configured only through the environment. */
describe("the bot process (dist/main.js)", () => {
  const fake = new FakeSlack();
  let child: ChildProcess;
  let output = "";
  let port = 0;

  beforeAll(async () => {
    await fake.start();
    const dir = mkdtempSync(join(tmpdir(), "aipb-process-"));
    child = spawn(process.execPath, [join(process.cwd(), "dist/main.js")], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        SLACK_BOT_TOKEN: "xoxb-process-test",
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: "0",
        DATABASE_URL: spawnDatabaseUrl(join(dir, "bot.db")),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const deadline = Date.now() + 20_000;
    while (!port && Date.now() < deadline) {
      const m = /running on http:\/\/0\.0\.0\.0:(\d+)/.exec(output);
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 50));
    }
    if (!port) throw new Error(`bot did not start:\n${output}`);
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await fake.stop();
  });

  it("serves /healthz and answers a signed slash command", async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const body = slashCommandBody({ text: "chat gpt", response_url: fake.responseUrl() });
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, {
      secret: TEST_SIGNING_SECRET,
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain("ChatGPT");
    expect(fake.callsTo("auth.test").length).toBeGreaterThan(0);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
