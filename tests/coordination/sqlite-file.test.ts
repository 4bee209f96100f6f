import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimSqliteFile } from "../../src/coordination/index.js";

describe("one instance per SQLite file", () => {
  it("refuses a second claim while the first holder lives, and frees the file on release", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "aipb-claim-")), "bot.db");
    // Another live process on this host holds the file.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      writeFileSync(`${db}.instance`, JSON.stringify({ host: hostname(), pid: other.pid }));
      const refused = claimSqliteFile(db);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.line).toMatch(/already running on .*bot\.db.*PostgreSQL/);
    } finally {
      other.kill("SIGKILL");
      await new Promise((r) => other.once("exit", r));
    }
    // Its holder is gone (killed): the file is taken over.
    const claimed = claimSqliteFile(db);
    expect(claimed.ok).toBe(true);
    expect(existsSync(`${db}.instance`)).toBe(true);
    if (claimed.ok) claimed.release();
    expect(existsSync(`${db}.instance`)).toBe(false);
    expect(claimSqliteFile(":memory:").ok).toBe(true);
  });
});
