import type { Logger } from "@slack/logger";
import type { LeadPolicy } from "./access/index.js";
import type { Catalog } from "./catalog/index.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { InstallRoute, Workspaces } from "./install/index.js";
import type { SlackApi } from "./slack/api.js";
import type { Store } from "./store/index.js";

/** What listeners and handlers are given. Built once in main.ts (or by a test). */
export interface AppDeps {
  config: Config;
  store: Store;
  catalog: Catalog;
  now: Clock;
  logger: Logger;
  slack: SlackApi;
  leads: LeadPolicy;
  /** Distributed mode only: installs, per-workspace tokens, uninstall. */
  distributed?: Distributed;
}

export interface Distributed {
  workspaces: Workspaces;
  /** GET /slack/install and /slack/oauth_redirect, on the bot's own HTTP server. */
  routes: InstallRoute[];
  /** The read API for one workspace's token (cached per token). */
  slackFor(token: string): SlackApi;
}
