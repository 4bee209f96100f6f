import type { Logger } from "@slack/logger";

/**
 * Last-resort handlers for errors nothing awaited (Node's default for both is to print a stack trace and
 * exit). Every request and job is its own unit of work and every state change that must survive is one
 * store transaction, so one failed request leaves nothing half-done: log it and keep serving the others.
 * The bot keeps running; `/healthz` still reports whether Slack and the database are usable, which is
 * what a supervisor should act on (nodejs.org/api/process.html#event-uncaughtexception).
 */
export function installProcessGuards(logger: Logger): void {
  process.on("unhandledRejection", (reason) => {
    logger.error(`unhandled promise rejection (still serving): ${describe(reason)}`);
  });
  process.on("uncaughtException", (err) => {
    logger.error(`uncaught exception (still serving): ${describe(err)}`);
  });
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  return String(reason);
}
