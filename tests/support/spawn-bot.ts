import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnDatabaseUrl } from "./store.js";

/**
 * The built bot (`dist/main.js`) as an operator runs it, configured only through the environment; its
 * database is the store TEST_STORE selects (a SQLite file in its folder, or a PostgreSQL schema).
 */
export interface SpawnedBot {
  child: ChildProcess;
  dir: string;
  /** stdout + stderr so far. */
  output(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves when the output matches (or rejects after timeoutMs with the output). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  kill(): void;
}

export function spawnBot(env: Record<string, string>): SpawnedBot {
  const dir = mkdtempSync(join(tmpdir(), "aipb-spawn-"));
  const child = spawn(process.execPath, [join(process.cwd(), "dist/main.js")], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: spawnDatabaseUrl(join(dir, "bot.db")),
      PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    dir,
    output: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no ${pattern} in the bot's output:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
