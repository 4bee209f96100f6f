#!/usr/bin/env node
import { createBot } from "./app.js";
import { CatalogError } from "./catalog/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { backgroundJobs } from "./jobs.js";
import { startScheduler } from "./scheduler/index.js";
import { StoreOpenError } from "./store/index.js";
import { VERSION } from "./version.js";
import { buildDeps } from "./wiring.js";

/** Operator mistakes end the process with exit code 2 and the fix, never a stack trace. */
function failFast(err: unknown): never {
  if (err instanceof ConfigError || err instanceof CatalogError || err instanceof StoreOpenError) {
    const body =
      err instanceof CatalogError
        ? `Catalog problems:\n${err.problems.map((p) => `  - ${p}`).join("\n")}`
        : err.message;
    process.stderr.write(`ai-privacy-bot cannot start.\n${body}\n`);
    process.exit(2);
  }
  throw err;
}

async function main(): Promise<void> {
  let deps: ReturnType<typeof buildDeps>;
  try {
    deps = buildDeps(loadConfig());
  } catch (err) {
    failFast(err);
  }
  const { logger, config } = deps;
  const bot = createBot(deps);
  try {
    const { port, webPort } = await bot.start();
    const pages = config.PUBLIC_URL ? `; web pages at ${config.PUBLIC_URL}/` : "";
    logger.info(
      `ai-privacy-bot ${VERSION} running ${port === undefined ? `in Socket Mode${webPort === undefined ? "" : ` (web pages on port ${webPort})`}` : `on http://0.0.0.0:${port} (POST /slack/events, GET /healthz)`}${pages}`,
    );
  } catch (err) {
    const code =
      (err as { data?: { error?: string }; code?: string }).data?.error ?? (err as { code?: string }).code;
    if (code === "invalid_auth" || code === "not_authed" || code === "account_inactive") {
      process.stderr.write(
        `ai-privacy-bot cannot start.\nSLACK_BOT_TOKEN was refused by Slack (${code}). Copy the Bot User OAuth Token again from OAuth & Permissions, or reinstall the app.\n`,
      );
      process.exit(2);
    }
    if (code === "EADDRINUSE") {
      process.stderr.write(
        `ai-privacy-bot cannot start.\nPORT ${config.PORT} is already in use. Set PORT to a free port in .env.\n`,
      );
      process.exit(2);
    }
    throw err;
  }

  const scheduler = startScheduler(deps, backgroundJobs(deps).jobs);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight work and stopping`);
    // Jobs first: a post in flight is recorded as sent before the database closes.
    await scheduler.stop().catch((err: Error) => logger.warn(`stopping jobs: ${err.message}`));
    await bot.stop().catch((err: Error) => logger.warn(`stopping Slack listener: ${err.message}`));
    deps.store.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: Error) => {
  process.stderr.write(`ai-privacy-bot stopped: ${err.message}\n`);
  process.exit(1);
});
