import { existsSync } from "node:fs";
import type { LeadPolicy } from "../access/index.js";
import { type Catalog, loadCatalog } from "../catalog/index.js";
import { systemClock } from "../clock.js";
import { type Config, databaseOptions, parseConfig, sqlitePath } from "../config.js";
import type { AppDeps } from "../deps.js";
import type { SlackApi } from "../slack/index.js";
import { openStore, type Store } from "../store/index.js";
import { makeLogger } from "../wiring.js";

/**
 * The CLI works without a Slack workspace: Slack credentials are not needed to read the catalog, so
 * offline stand-in values satisfy the schema and every Slack call explains that it needs Slack.
 */
export function cliConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig({
    ...env,
    // A distributed deployment's environment already names its mode; the stand-in would make it two.
    ...(env.SLACK_CLIENT_ID ? {} : { SLACK_BOT_TOKEN: env.SLACK_BOT_TOKEN || "xoxb-offline-cli" }),
    SLACK_SIGNING_SECRET: env.SLACK_SIGNING_SECRET || "00000000000000000000000000000000",
  });
}

export class NeedsSlackError extends Error {
  override name = "NeedsSlackError";
}

const offlineSlack: SlackApi = new Proxy({} as SlackApi, {
  get: () => async () => {
    throw new NeedsSlackError("this command needs Slack: run it as /ai-privacy in your workspace");
  },
});

const nobodyIsLead: LeadPolicy = {
  isLead: async () => false,
  whoCan: () => "Run it in Slack, where workspace admins, owners and ADMIN_USER_IDS can.",
};

/** Opens the configured database only if it already exists, so a read-only CLI run never creates files. */
export function openExistingStore(config: Config, { create = false } = {}): Promise<Store> {
  const url = config.DATABASE_URL;
  // Only an embedded file can be "not there yet"; a server database is opened as configured.
  if (!url.startsWith("sqlite:") || create) return openStore(url, databaseOptions(config));
  const path = sqlitePath(url);
  return openStore(path === ":memory:" || existsSync(path) ? url : "sqlite::memory:");
}

export async function offlineDeps(
  config: Config,
  catalog: Catalog = loadCatalog({ overlayPath: config.CATALOG_PATH }),
): Promise<AppDeps> {
  return {
    config,
    catalog,
    store: await openExistingStore(config),
    now: systemClock,
    logger: makeLogger("error"),
    slack: offlineSlack,
    leads: nobodyIsLead,
  };
}
