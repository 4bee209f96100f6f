import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from "@slack/bolt";
import type { Leads } from "./coordination/index.js";
import type { AppDeps } from "./deps.js";
import { createHealth, type Health } from "./health/index.js";
import { type RunningServer, startHttpServer } from "./http/index.js";
import { registerInstallListeners } from "./install/index.js";
import { createListeners, registerActions, registerCommands, registerEvents } from "./listeners/index.js";
import { makeProbe, READ_CLIENT_DEFAULTS } from "./slack/index.js";
import { VERSION } from "./version.js";
import { createWebSurface, type WebSurface } from "./web/index.js";

export interface BotOptions {
  /** Tests set this so side effects finish before the HTTP response (shared/slack-reference.md → Timing). */
  processBeforeResponse?: boolean;
  /** The bot's IDs from the start-up auth.test (src/slack/startup.ts): Bolt then makes no auth.test of its own. */
  botIds?: { botId: string; botUserId: string };
  /** How long a health result is reused (tests use 0). */
  healthCacheMs?: number;
  /** What this instance leads, shown by /healthz (src/coordination/). */
  leads?: () => Leads;
}

export interface Bot {
  app: App;
  health: Health;
  /**
   * Starts the HTTP server on PORT (or the given port/host) — `/healthz` in both modes, `/slack/events` in
   * HTTP mode, the web pages when PUBLIC_URL is set — and in Socket Mode the WebSocket connection.
   * Returns the bound port (`webPort` too when the web pages are on).
   */
  start(listen?: { port?: number; host?: string }): Promise<{ port: number; webPort?: number }>;
  stop(): Promise<void>;
}

const LOG_LEVELS: Record<AppDeps["config"]["LOG_LEVEL"], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

const EVENTS_PATH = "/slack/events";

export function createBot(deps: AppDeps, options: BotOptions = {}): Bot {
  const { config, logger } = deps;
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const logLevel = LOG_LEVELS[config.LOG_LEVEL];
  const web: WebSurface | undefined = config.PUBLIC_URL
    ? createWebSurface({
        publicUrl: config.PUBLIC_URL,
        store: deps.store,
        catalog: deps.catalog,
        now: deps.now,
        timeZone: config.DEFAULT_TIMEZONE,
        staleDays: config.CATALOG_STALE_DAYS,
        logger,
      })
    : undefined;
  // Receivers are built here rather than by App so that each gets the client options it needs: Socket
  // Mode keeps its own reconnect policy for apps.connections.open, and HTTP requests reach Bolt only
  // through our server's guard (src/http/).
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN ?? "",
        logger,
        logLevel,
        installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL } },
      })
    : new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET ?? "",
        // Every request reaches this receiver only through our server's guard (src/http/guard.ts), which
        // has already verified the signature with Slack's stricter rule (a timestamp within 5 minutes in
        // either direction); verifying it again here would cost a second HMAC and body parse per request.
        signatureVerification: false,
        endpoints: EVENTS_PATH,
        processBeforeResponse: options.processBeforeResponse ?? false,
        logger,
        logLevel,
      });
  const { distributed } = deps;
  const single = config.slackAuth.mode === "single" ? config.slackAuth.botToken : undefined;
  const app = new App({
    // One workspace: its token. Distributed: each request's workspace token from the installation store.
    ...(distributed
      ? { authorize: (source) => distributed.workspaces.authorize(source) }
      : { token: single, ...(options.botIds ?? {}) }),
    receiver,
    logger,
    logLevel,
    // Bolt's own client (views.open from a click): the same bounded policy as the bot's reads (slack/clients.ts).
    clientOptions: {
      slackApiUrl: config.SLACK_API_URL,
      timeout: READ_CLIENT_DEFAULTS.timeoutMs,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: READ_CLIENT_DEFAULTS.retries, factor: 1, minTimeout: 300, maxTimeout: 300 },
    },
    // Bolt's conversation store keeps per-conversation state in memory; the bot keeps its state in the store.
    convoStore: false,
  });

  app.error(async (error) => {
    logger.error(`unhandled listener error: ${error.message}`);
  });

  const listeners = createListeners();
  // First: a request from a workspace without an installation is answered here and goes no further.
  if (distributed)
    registerInstallListeners(app, listeners, {
      workspaces: distributed.workspaces,
      slackFor: distributed.slackFor,
      logger,
      installUrl: config.PUBLIC_URL ? `${config.PUBLIC_URL}/slack/install` : undefined,
    });
  registerCommands(listeners, deps);
  registerActions(listeners, deps);
  registerEvents(listeners, deps);
  listeners.installOn(app);

  const probe = makeProbe(single, config.SLACK_API_URL, logger);
  const health = createHealth({
    version: VERSION,
    mode: socketMode ? "socket" : "http",
    // Wall-clock time, not deps.now (tests and the CLI may pin the business clock).
    startedAt: new Date(),
    now: () => new Date(),
    logger,
    cacheMs: options.healthCacheMs ?? 5000,
    checks: { slack: probe, database: () => deps.store.ping() },
    ...(options.leads ? { leads: options.leads } : {}),
  });

  let server: RunningServer | undefined;
  return {
    app,
    health,
    async start(listen = {}) {
      server = await startHttpServer({
        port: listen.port ?? config.PORT,
        host: listen.host,
        logger,
        health: health.report,
        ...(distributed ? { pages: distributed.routes } : {}),
        ...(web ? { other: web.handle } : {}),
        ...(receiver instanceof HTTPReceiver
          ? {
              slack: {
                listener: receiver.requestListener,
                signingSecret: config.SLACK_SIGNING_SECRET ?? "",
                // Slack stamps requests with real time; the business clock may be pinned.
                now: () => new Date(),
                path: EVENTS_PATH,
              },
            }
          : {}),
      });
      if (socketMode) {
        try {
          await app.start();
        } catch (err) {
          await server.close();
          server = undefined;
          throw err;
        }
      }
      return { port: server.port, ...(web ? { webPort: server.port } : {}) };
    },
    async stop() {
      if (socketMode) await app.stop().catch(() => undefined);
      await server?.close();
      server = undefined;
    },
  };
}
