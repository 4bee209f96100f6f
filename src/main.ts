#!/usr/bin/env node
import { createBot } from "./app.js";
import { CatalogError } from "./catalog/index.js";
import { ConfigError, loadConfig } from "./config.js";
import type { AppDeps } from "./deps.js";
import { backgroundJobs } from "./jobs.js";
import { installProcessGuards } from "./process-guards.js";
import { startScheduler } from "./scheduler/index.js";
import {
  appTokenRefusedLine,
  checkSlack,
  slackFailure,
  unreachableLine,
  unreachableReason,
} from "./slack/index.js";
import { StoreOpenError } from "./store/index.js";
import { VERSION } from "./version.js";
import { buildDeps, makeCoordinator } from "./wiring.js";

/** How often the health watchdog runs when nothing polls /healthz (a deleted database is logged within this). */
const WATCHDOG_MS = 30_000;
/**
 * Socket Mode's first connection: the socket-mode client retries apps.connections.open for as long as it
 * takes (its reconnect policy, which a running bot keeps), so at start-up the wait is bounded here and an
 * operator hears "cannot reach Slack" instead of a silent retry loop.
 */
const SOCKET_MODE_START_MS = 15_000;

/** One line for the operator, then exit: 2 for a mistake they must fix, 1 for trouble that may pass. */
function exitWith(code: 1 | 2, line: string): never {
  process.stderr.write(`ai-privacy-bot cannot start: ${line}\n`);
  process.exit(code);
}

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

class SocketModeStartTimeout extends Error {}

async function withinStartDeadline<T>(starting: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SocketModeStartTimeout()), SOCKET_MODE_START_MS);
  });
  try {
    return await Promise.race([starting, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  // Until the bot runs, a signal stops start-up at the next step; afterwards it drains work first.
  const starting = new AbortController();
  let shutdown: ((signal: string) => Promise<void>) | undefined;
  let deps: AppDeps | undefined;
  const onSignal = (signal: string) => {
    if (shutdown) return void shutdown(signal);
    if (starting.signal.aborted) return;
    process.stderr.write(`ai-privacy-bot: ${signal} received during start-up: stopping\n`);
    starting.abort();
    // Closing is best effort while exiting.
    void (deps?.store.close() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));

  try {
    deps = await buildDeps(loadConfig());
  } catch (err) {
    failFast(err);
  }
  const { logger, config } = deps;
  installProcessGuards(logger);
  let scheduler: ReturnType<typeof startScheduler> | undefined;
  const choice = makeCoordinator(config, logger, {
    // A partition taken over from a dead instance is delivered now, not at the next outbox tick.
    onPartitionsTaken: () => void scheduler?.runNow("outbox").catch(() => undefined),
  });
  if (!choice.ok) exitWith(2, choice.line);
  const { coordinator } = choice;
  process.once("exit", () => choice.release());

  const check = await checkSlack({
    token: config.slackAuth.mode === "single" ? config.slackAuth.botToken : undefined,
    slackApiUrl: config.SLACK_API_URL,
    logger,
    signal: starting.signal,
  });
  if (!check.ok) {
    if (check.kind === "aborted") return;
    exitWith(check.kind === "refused" ? 2 : 1, check.line);
  }

  const bot = createBot(deps, {
    ...(check.botId ? { botIds: { botId: check.botId, botUserId: check.botUserId } } : {}),
    leads: () => coordinator.leads(),
  });
  try {
    const { port } = await (config.SLACK_APP_TOKEN ? withinStartDeadline(bot.start()) : bot.start());
    const pages = config.PUBLIC_URL ? `; web pages at ${config.PUBLIC_URL}/` : "";
    const installs =
      config.slackAuth.mode === "distributed"
        ? `; distributed mode: installs at ${config.PUBLIC_URL ?? `http://<this host>:${port}`}/slack/install`
        : "";
    logger.info(
      `ai-privacy-bot ${VERSION} running ${config.SLACK_APP_TOKEN ? `in Socket Mode (GET /healthz on port ${port})` : `on http://0.0.0.0:${port} (POST /slack/events, GET /healthz)`}${pages}${installs}`,
    );
  } catch (err) {
    if (err instanceof SocketModeStartTimeout) {
      exitWith(
        1,
        unreachableLine(
          config.SLACK_API_URL,
          `no Socket Mode connection within ${SOCKET_MODE_START_MS / 1000} s (apps.connections.open kept failing)`,
        ),
      );
    }
    if ((err as { code?: string }).code === "EADDRINUSE")
      exitWith(2, `PORT ${config.PORT} is already in use: set PORT to a free port in .env`);
    // The bot token passed auth.test, so a refusal now is Socket Mode's apps.connections.open.
    const f = slackFailure(err);
    if (config.SLACK_APP_TOKEN && f.kind === "refused") exitWith(2, appTokenRefusedLine(f.code));
    if (config.SLACK_APP_TOKEN) exitWith(1, unreachableLine(config.SLACK_API_URL, unreachableReason(f)));
    throw err;
  }
  if (starting.signal.aborted) return;

  const stopWatchdog = bot.health.watch(WATCHDOG_MS);
  await coordinator.start();
  const jobs = backgroundJobs(deps, { partitions: coordinator.partitions }).jobs;
  scheduler = startScheduler({ ...deps, coordinator }, jobs);
  const running = deps;
  const runningScheduler = scheduler;
  let stopping = false;
  shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight work and stopping`);
    stopWatchdog();
    // Jobs first: a post in flight is recorded as sent before the database closes.
    await runningScheduler.stop().catch((err: Error) => logger.warn(`stopping jobs: ${err.message}`));
    // Then the locks: partitions and jobs are free for the other instances at once.
    await coordinator.close().catch((err: Error) => logger.warn(`releasing locks: ${err.message}`));
    await bot.stop().catch((err: Error) => logger.warn(`stopping Slack listener: ${err.message}`));
    await running.store.close().catch((err: Error) => logger.warn(`closing the database: ${err.message}`));
    process.exit(0);
  };
}

main().catch((err: Error) => {
  process.stderr.write(`ai-privacy-bot stopped: ${err.message}\n`);
  process.exit(1);
});
