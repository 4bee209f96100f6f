import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, LogLevel } from "@slack/bolt";
import type { AppDeps } from "./deps.js";
import { register as registerActions } from "./listeners/actions/index.js";
import { register as registerCommands } from "./listeners/commands/index.js";
import { register as registerEvents } from "./listeners/events/index.js";
import { VERSION } from "./version.js";
import { createWebSurface, type WebSurface } from "./web/index.js";

export interface BotOptions {
  /** Tests set this so side effects finish before the HTTP response (shared/slack-reference.md → Timing). */
  processBeforeResponse?: boolean;
  /** Skip the start-up auth.test round trip (bench/tests that know the bot's IDs). */
  botIds?: { botId: string; botUserId: string };
}

export interface Bot {
  app: App;
  /** Starts HTTP (on PORT, or the given port/host) or Socket Mode. Returns the bound port in HTTP mode. */
  start(listen?: { port?: number; host?: string }): Promise<{ port?: number; webPort?: number }>;
  stop(): Promise<void>;
}

const LOG_LEVELS: Record<AppDeps["config"]["LOG_LEVEL"], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

export function createBot(deps: AppDeps, options: BotOptions = {}): Bot {
  const { config } = deps;
  const startedAt = deps.now();
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const web: WebSurface | undefined = config.PUBLIC_URL
    ? createWebSurface({
        publicUrl: config.PUBLIC_URL,
        store: deps.store,
        catalog: deps.catalog,
        now: deps.now,
        timeZone: config.DEFAULT_TIMEZONE,
        logger: deps.logger,
      })
    : undefined;
  let webServer: { close(): Promise<void> } | undefined;
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    logger: deps.logger,
    logLevel: LOG_LEVELS[config.LOG_LEVEL],
    clientOptions: { slackApiUrl: config.SLACK_API_URL },
    // Bolt's conversation store keeps per-conversation state in memory; the bot keeps its state in the store.
    convoStore: false,
    ...(options.botIds ?? {}),
    ...(socketMode
      ? { socketMode: true, appToken: config.SLACK_APP_TOKEN }
      : {
          signingSecret: config.SLACK_SIGNING_SECRET ?? "",
          endpoints: "/slack/events",
          processBeforeResponse: options.processBeforeResponse ?? false,
          customRoutes: [
            {
              path: "/healthz",
              method: ["GET"],
              handler: (_req, res) => {
                res.writeHead(200, { "content-type": "application/json" });
                res.end(
                  JSON.stringify({
                    ok: true,
                    version: VERSION,
                    uptimeSeconds: Math.round((deps.now().getTime() - startedAt.getTime()) / 1000),
                    mode: "http",
                  }),
                );
              },
            },
            ...(web?.customRoutes ?? []),
          ],
        }),
  });

  app.error(async (error) => {
    deps.logger.error(`unhandled listener error: ${error.message}`);
  });

  registerCommands(app, deps);
  registerActions(app, deps);
  registerEvents(app, deps);

  return {
    app,
    async start(listen = {}) {
      if (socketMode) {
        await app.start();
        // Socket Mode receives Slack's requests over a WebSocket; the web pages need a server of their own.
        if (!web) return {};
        const listening = await web.listen(listen.port ?? config.PORT, listen.host);
        webServer = listening;
        return { webPort: listening.port };
      }
      const server = (await app.start({ port: listen.port ?? config.PORT, host: listen.host })) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      await webServer?.close();
      await app.stop();
    },
  };
}
