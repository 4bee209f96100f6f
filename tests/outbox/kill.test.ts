import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fanOut, keyCounts, openStore, subscribe, tempDbPath } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";
import { spawnDatabaseUrl } from "../support/store.js";

/**
 * kill -9 in the middle of a fan-out, then a restart: everything is delivered, nothing twice — including the
 * message Slack accepted while the killed process had it in flight (found again through its metadata).
 */

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// Per process: engineers running the suite at the same time must not read each other's half-written output.
const outDir = join(repo, `node_modules/.cache/ai-privacy-tests/kill-${process.pid}`);
const childJs = join(outDir, "out/tests/support/deliver-child.js");

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  const tsconfig = join(outDir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(repo, "tsconfig.json"),
      compilerOptions: {
        rootDir: repo,
        outDir: join(outDir, "out"),
        noEmit: false,
        sourceMap: false,
        declaration: false,
      },
      include: [join(repo, "tests/support/deliver-child.ts")],
    }),
  );
  // Type errors elsewhere in the tree (others' work in progress) must not stop the emit.
  spawnSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", tsconfig], {
    cwd: repo,
    encoding: "utf8",
  });
  writeFileSync(join(outDir, "out/package.json"), '{ "type": "module" }\n');
  if (!existsSync(childJs)) throw new Error(`could not compile ${childJs}`);
}, 120_000);

let fake: FakeSlack;
beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
  rmSync(outDir, { recursive: true, force: true });
});

function runChild(dbPath: string): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string }>;
} {
  const child = spawn(process.execPath, [childJs], {
    env: { ...process.env, DATABASE_URL: spawnDatabaseUrl(dbPath), SLACK_API_URL: fake.apiUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout?.on("data", (d) => {
    stdout += String(d);
  });
  child.stderr?.on("data", (d) => process.stderr.write(d));
  const done = new Promise<{ code: number | null; stdout: string }>((res) =>
    child.on("exit", (code) => res({ code, stdout })),
  );
  return { child, done };
}

const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("SIGKILL mid-fan-out", () => {
  it("a restarted deliverer delivers the rest with no duplicate", async () => {
    const dbPath = tempDbPath();
    const channels = Array.from({ length: 40 }, (_, i) => `C${String(i).padStart(4, "0")}`);
    const store = await openStore(dbPath);
    for (const c of channels) await subscribe(store, c);
    await fanOut(store, channels);
    await store.close();

    // This channel's post is held by "Slack" for 1.5 s and then accepted: the process dies while it is in flight.
    const held = "C0012";
    fake.inject("chat.postMessage", { kind: "delay", ms: 1500 }, { channel: held });

    const first = runChild(dbPath);
    await until(
      () =>
        fake.callsTo("chat.postMessage").some((c) => c.args.channel === held) && fake.messages.length >= 14,
    );
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.code).toBeNull();
    const before = fake.messages.length;
    expect(before).toBeLessThan(channels.length);
    await until(() => fake.messagesIn(held).length === 1); // Slack accepted it after our process died

    const check = await openStore(dbPath);
    expect((await check.outbox.get(`test:a1:${held}`))?.status).toBe("sending");
    await check.close();

    const second = runChild(dbPath);
    const result = await second.done;
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as { sent: number; recovered: number };
    expect(stats.recovered).toBeGreaterThanOrEqual(1);

    const counts = keyCounts(fake);
    for (const c of channels) expect(counts.get(`test:a1:${c}`), c).toBe(1);
    expect(fake.messages.length).toBe(channels.length);
    const after = await openStore(dbPath);
    expect(await after.outbox.counts()).toMatchObject({ sent: 40, pending: 0, sending: 0, failed: 0 });
    await after.close();
  }, 60_000);
});
