import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.js";

const valid = { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_SIGNING_SECRET: "0123456789abcdef0123" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const c = parseConfig(valid);
    expect(c.PORT).toBe(3000);
    expect(c.SLACK_API_URL).toBe("https://slack.com/api/");
    expect(c.DATABASE_URL).toBe("sqlite:./data/ai-privacy.db");
    expect(c.DEADLINE_LEAD_DAYS).toEqual([14, 7, 3, 1, 0]);
    expect(c.DEFAULT_TIMEZONE).toBe("UTC");
    expect(c.RETENTION_DAYS).toBe(180);
    expect(c.CATALOG_STALE_DAYS).toBe(120);
    expect(c.ESCALATE_DAYS).toBe(3);
    expect(c.ADMIN_USER_IDS).toEqual([]);
  });

  it("ESCALATE_DAYS: whole days from 0 (the deadline day) to 365, else refused by name", () => {
    expect(parseConfig({ ...valid, ESCALATE_DAYS: "0" }).ESCALATE_DAYS).toBe(0);
    expect(parseConfig({ ...valid, ESCALATE_DAYS: "5" }).ESCALATE_DAYS).toBe(5);
    for (const bad of ["soon", "1.5", "-1", "400"])
      expect(problemsOf({ ...valid, ESCALATE_DAYS: bad }).join(), bad).toContain("ESCALATE_DAYS");
  });

  it("names each bad variable and how to fix it", () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      PORT: "eighty",
      DEADLINE_LEAD_DAYS: "14,soon",
      DEFAULT_TIMEZONE: "Mars/Olympus",
      POLICY_CHECK_CRON: "every day",
      ADMIN_USER_IDS: "alice",
      DATABASE_URL: "mysql://db",
    });
    const joined = problems.join("\n");
    for (const name of [
      "SLACK_BOT_TOKEN",
      "PORT",
      "DEADLINE_LEAD_DAYS",
      "DEFAULT_TIMEZONE",
      "POLICY_CHECK_CRON",
      "ADMIN_USER_IDS",
      "DATABASE_URL",
      "SLACK_SIGNING_SECRET",
    ]) {
      expect(joined).toContain(name);
    }
    expect(problems.every((p) => p.includes(".env"))).toBe(true);
  });

  it("requires the signing secret only in HTTP mode", () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: "xoxb-1" }).join()).toContain("SLACK_SIGNING_SECRET");
    expect(problemsOf({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-A-1-abc" })).toEqual([]);
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ ...valid, PORT: "", CATALOG_PATH: " " }).PORT).toBe(3000);
  });

  it("stops `npm start` with exit code 2 and no stack trace when configuration is missing", () => {
    const cwd = mkdtempSync(join(tmpdir(), "aipb-"));
    const result = spawnSync(process.execPath, [join(process.cwd(), "dist/main.js")], {
      cwd,
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("SLACK_BOT_TOKEN");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("stops with exit code 2 when the database path is unwritable", () => {
    const cwd = mkdtempSync(join(tmpdir(), "aipb-"));
    writeFileSync(join(cwd, "not-a-folder"), "");
    const result = spawnSync(process.execPath, [join(process.cwd(), "dist/main.js")], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...valid, DATABASE_URL: "sqlite:./not-a-folder/x.db" },
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
