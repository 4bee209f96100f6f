import { describe, expect, it } from "vitest";
import { ConfigError, databaseOptions, parseConfig } from "../../src/config.js";
import { parseDatabaseUrl } from "../../src/store/index.js";
import { POSTGRES_DEFAULTS, pgClientConfig } from "../../src/store/kysely/postgres.js";

const valid = { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_SIGNING_SECRET: "0123456789abcdef0123" };
const problem = (env: Record<string, string>) => {
  try {
    parseConfig({ ...valid, ...env });
    return "";
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join("\n");
    throw err;
  }
};

describe("DATABASE_URL and the database settings", () => {
  it("sqlite: is the default; postgres:// and postgresql:// select PostgreSQL", () => {
    expect(parseDatabaseUrl("sqlite:./data/x.db")).toEqual({
      ok: true,
      target: { dialect: "sqlite", path: "./data/x.db" },
    });
    for (const scheme of ["postgres", "postgresql"]) {
      const parsed = parseDatabaseUrl(
        `${scheme}://bot:p%40ss@db.example.com:6543/ai_privacy?sslmode=verify-full`,
      );
      expect(parsed).toMatchObject({
        ok: true,
        target: {
          dialect: "postgres",
          host: "db.example.com",
          port: 6543,
          user: "bot",
          password: "p@ss",
          database: "ai_privacy",
          sslmode: "verify-full",
          display: `${scheme}://bot:***@db.example.com:6543/ai_privacy?sslmode=verify-full`,
        },
      });
    }
    expect(parseDatabaseUrl("postgres://db/x")).toMatchObject({
      ok: true,
      target: { port: 5432, sslmode: "disable" },
    });
  });

  it("refuses what it would otherwise silently ignore", () => {
    expect(parseDatabaseUrl("mysql://db/x")).toMatchObject({ ok: false });
    expect(parseDatabaseUrl("postgres://db/x?sslmode=prefer")).toEqual({
      ok: false,
      error: "has sslmode=prefer; use one of disable, require, verify-ca, verify-full",
    });
    expect(parseDatabaseUrl("postgres://db/x?ssl=true")).toMatchObject({
      ok: false,
      error: expect.stringContaining("unknown parameter ?ssl="),
    });
    expect(parseDatabaseUrl("postgres://db")).toMatchObject({
      ok: false,
      error: expect.stringContaining("must name the database"),
    });
    expect(parseDatabaseUrl("sqlite:")).toMatchObject({ ok: false });
  });

  it("maps sslmode to TLS options the way libpq means them", () => {
    const tls = (mode: string) => {
      const parsed = parseDatabaseUrl(`postgres://u@h/d?sslmode=${mode}`);
      if (!parsed.ok || parsed.target.dialect !== "postgres") throw new Error("bad url");
      return pgClientConfig(parsed.target, POSTGRES_DEFAULTS).ssl;
    };
    expect(tls("disable")).toBe(false);
    expect(tls("require")).toEqual({ rejectUnauthorized: false });
    expect(tls("verify-full")).toEqual({ ca: undefined, rejectUnauthorized: true });
    const verifyCa = tls("verify-ca") as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown };
    expect(verifyCa.rejectUnauthorized).toBe(true);
    expect(verifyCa.checkServerIdentity()).toBeUndefined();
  });

  it("config validates the URL and the pool and timeout settings, with defaults", () => {
    const c = parseConfig({ ...valid, DATABASE_URL: "postgres://bot@db/ai" });
    expect(databaseOptions(c)).toEqual({
      postgres: { poolSize: 10, statementTimeoutMs: 30_000, connectTimeoutMs: 10_000 },
      checkTransactionUse: true,
    });
    // Node's production convention drops the store's development-time misuse check (its cost: OpenOptions).
    const production = parseConfig({ ...valid, NODE_ENV: "production" });
    expect(databaseOptions(production).checkTransactionUse).toBe(false);
    expect(databaseOptions(parseConfig({ ...valid, NODE_ENV: "staging" })).checkTransactionUse).toBe(true);
    expect(problem({ DATABASE_URL: "postgres://db/x?sslmode=allow" })).toContain(
      "DATABASE_URL has sslmode=allow",
    );
    expect(problem({ DATABASE_POOL_SIZE: "0" })).toContain("DATABASE_POOL_SIZE must be at least 1");
    expect(problem({ DATABASE_STATEMENT_TIMEOUT_MS: "soon" })).toContain("DATABASE_STATEMENT_TIMEOUT_MS");
    expect(problem({ DATABASE_CONNECT_TIMEOUT_MS: "5" })).toContain(
      "DATABASE_CONNECT_TIMEOUT_MS must be at least 100",
    );
  });
});
