import { ConsoleLogger, type Logger, LogLevel } from "@slack/logger";
import type { WebClient } from "@slack/web-api";
import { leadPolicy } from "./access/index.js";
import { type Catalog, loadCatalog } from "./catalog/index.js";
import { type Clock, systemClock } from "./clock.js";
import { type Config, databaseOptions, sqlitePath } from "./config.js";
import {
  type Coordinator,
  claimSqliteFile,
  createLocalCoordinator,
  createPostgresCoordinator,
} from "./coordination/index.js";
import type { AppDeps, Distributed } from "./deps.js";
import {
  createInstaller,
  createWorkspaces,
  currentWorkspace,
  type DistributedAuth,
  installRoutes,
  workspaceSlackApi,
} from "./install/index.js";
import { createDeliveryClient } from "./outbox/index.js";
import {
  makeReadClient,
  READ_CLIENT_DEFAULTS,
  type ReadClientOptions,
  type SlackApi,
  webApi,
} from "./slack/index.js";
import { openStore, type Store } from "./store/index.js";

export function makeLogger(level: Config["LOG_LEVEL"]): Logger {
  const logger = new ConsoleLogger();
  logger.setName("ai-privacy");
  logger.setLevel(
    { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR }[level],
  );
  return logger;
}

/** A Web API client for the bot's own reads (users, channels): bounded timeout and retries (slack/clients.ts). */
export function makeWebClient(
  config: Config,
  logger: Logger,
  options: Partial<ReadClientOptions> = {},
  token: string = config.slackAuth.mode === "single" ? config.slackAuth.botToken : "",
): WebClient {
  return makeReadClient(token, config.SLACK_API_URL, logger, options);
}

/** Read APIs kept per token; bounded so a long-running bot with many workspaces does not grow forever. */
const MAX_CACHED_APIS = 1000;

function distributedParts(
  config: Config,
  auth: DistributedAuth,
  parts: { store: Store; now: Clock; logger: Logger; readClient: Partial<ReadClientOptions> },
): Distributed {
  const { store, now, logger } = parts;
  const installer = createInstaller({
    auth,
    store,
    now,
    logger,
    slackApiUrl: config.SLACK_API_URL,
    publicUrl: config.PUBLIC_URL,
  });
  const workspaces = createWorkspaces({
    installer,
    store,
    logger,
    makeClient: (token) => createDeliveryClient(token, config.SLACK_API_URL, { logger }),
  });
  const apis = new Map<string, SlackApi>();
  return {
    workspaces,
    routes: installRoutes(installer, logger),
    slackFor(token) {
      let api = apis.get(token);
      if (!api) {
        if (apis.size >= MAX_CACHED_APIS) apis.clear();
        api = webApi(makeWebClient(config, logger, parts.readClient, token), {
          breakerMs: parts.readClient.breakerMs ?? READ_CLIENT_DEFAULTS.breakerMs,
        });
        apis.set(token, api);
      }
      return api;
    },
  };
}

export interface BuildOptions {
  now?: Clock;
  logger?: Logger;
  store?: Store;
  catalog?: Catalog;
  /** The read client's timeout and retries (tests shorten them). */
  readClient?: Partial<ReadClientOptions>;
}

/** Config → everything the app needs. Throws ConfigError/CatalogError/StoreOpenError with operator-facing text. */
export async function buildDeps(config: Config, options: BuildOptions = {}): Promise<AppDeps> {
  const logger = options.logger ?? makeLogger(config.LOG_LEVEL);
  const now = options.now ?? systemClock;
  const catalog = options.catalog ?? loadCatalog({ overlayPath: config.CATALOG_PATH });
  const store = options.store ?? (await openStore(config.DATABASE_URL, databaseOptions(config)));
  if (config.slackAuth.mode === "distributed") {
    const distributed = distributedParts(config, config.slackAuth, {
      store,
      now,
      logger,
      readClient: options.readClient ?? {},
    });
    // Each request's reads go to its own workspace (install/scope.ts); so do lead checks and their cache.
    const slack = workspaceSlackApi;
    const leads = leadPolicy([], slack, now, () => currentWorkspace()?.teamId ?? "");
    return { config, store, catalog, now, logger, slack, leads, distributed };
  }
  const slack = webApi(makeWebClient(config, logger, options.readClient), {
    breakerMs: options.readClient?.breakerMs ?? READ_CLIENT_DEFAULTS.breakerMs,
  });
  return { config, store, catalog, now, logger, slack, leads: leadPolicy(config.ADMIN_USER_IDS, slack, now) };
}

export type CoordinatorChoice =
  | { ok: true; coordinator: Coordinator; release(): void }
  | { ok: false; line: string };

/**
 * Who does what among instances: on PostgreSQL, advisory locks shared by every instance on the database;
 * on SQLite, this process leads everything, and a second instance on the same file is refused.
 */
export function makeCoordinator(
  config: Config,
  logger: Logger,
  options: { onPartitionsTaken?: () => void } = {},
): CoordinatorChoice {
  if (/^postgres(ql)?:\/\//.test(config.DATABASE_URL))
    return {
      ok: true,
      coordinator: createPostgresCoordinator({
        connectionString: config.DATABASE_URL,
        logger,
        ...(options.onPartitionsTaken ? { onPartitionsTaken: options.onPartitionsTaken } : {}),
      }),
      release: () => {},
    };
  const claim = claimSqliteFile(sqlitePath(config.DATABASE_URL));
  if (!claim.ok) return claim;
  return { ok: true, coordinator: createLocalCoordinator(), release: claim.release };
}
