import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@slack/logger";
import oauth, { type CodedError, type Installation, type InstallProvider } from "@slack/oauth";
import { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { Store } from "../store/index.js";
import { sealedInstallationStore } from "./installation-store.js";
import { type InstallProblem, installedPage, installPage, problemPage, sendPage } from "./pages.js";
import { RefreshAnswer, type RefreshCall } from "./rotation.js";
import { oneTimeStateStore, STATE_TTL_SECONDS } from "./state-store.js";

/**
 * Slack's OAuth v2 install flow (docs.slack.dev/authentication/installing-with-oauth) through @slack/oauth's
 * InstallProvider, served on the bot's own HTTP server in both HTTP and Socket Mode:
 * `GET /slack/install` sets the state cookie and shows the "Add to Slack" page; `GET /slack/oauth_redirect`
 * checks state + cookie, exchanges the code (oauth.v2.access), and stores the installation sealed.
 */

// @slack/oauth is CommonJS whose named exports Node cannot detect: take them from the module object.
const { InstallProvider: Provider } = oauth;

export const INSTALL_PATH = "/slack/install";
export const REDIRECT_PATH = "/slack/oauth_redirect";

export interface DistributedAuth {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  encryptionKey: Buffer;
  scopes: string[];
}

export interface InstallerOptions {
  auth: DistributedAuth;
  store: Store;
  now: Clock;
  logger: Logger;
  slackApiUrl: string;
  /** PUBLIC_URL: the redirect_uri sent to Slack; without it Slack uses the app's one configured URL. */
  publicUrl?: string | undefined;
}

export interface InstallRoute {
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** oauth.v2.access with grant_type=refresh_token (docs.slack.dev/reference/methods/oauth.v2.access). */
function refreshCall(auth: DistributedAuth, client: WebClient): RefreshCall {
  return async (refreshToken) =>
    RefreshAnswer.parse(
      await client.oauth.v2.access({
        client_id: auth.clientId,
        client_secret: auth.clientSecret,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      }),
    );
}

const TeamsPage = z
  .object({
    teams: z.array(z.object({ id: z.string().min(1) }).loose()),
    response_metadata: z.object({ next_cursor: z.string().optional() }).loose().optional(),
  })
  .loose();

/** auth.teams.list, every page (at most 1,000 workspaces a page). */
function listTeamsCall(client: WebClient): (botToken: string) => Promise<string[]> {
  return async (botToken) => {
    const teams: string[] = [];
    let cursor: string | undefined;
    do {
      const page = TeamsPage.parse(
        await client.auth.teams.list({ token: botToken, limit: 1000, ...(cursor ? { cursor } : {}) }),
      );
      teams.push(...page.teams.map((t) => t.id));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return teams;
  };
}

export function createInstaller(options: InstallerOptions): InstallProvider {
  const { auth, store, now, logger } = options;
  // Token refresh and the organisation's workspace list. No client-side retry: a retried refresh would
  // spend the same refresh token twice.
  const client = new WebClient(undefined, {
    slackApiUrl: options.slackApiUrl,
    timeout: 10_000,
    retryConfig: { retries: 0 },
    logger,
  });
  return new Provider({
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    stateStore: oneTimeStateStore(auth.stateSecret, store, now),
    stateCookieExpirationSeconds: STATE_TTL_SECONDS,
    installationStore: sealedInstallationStore({
      store,
      key: auth.encryptionKey,
      now,
      refresh: refreshCall(auth, client),
      listOrganisationTeams: listTeamsCall(client),
      logger,
    }),
    installUrlOptions: {
      scopes: auth.scopes,
      ...(options.publicUrl ? { redirectUri: `${options.publicUrl}${REDIRECT_PATH}` } : {}),
    },
    renderHtmlForInstallPath: installPage,
    logger,
    // oauth.v2.access and the auth.test after it: bounded, like every other call the bot makes.
    clientOptions: { slackApiUrl: options.slackApiUrl, timeout: 10_000, retryConfig: { retries: 1 } },
  });
}

/** @slack/oauth's error codes (and web-api's, for the code exchange) → what the person is told. */
export function problemFor(error: CodedError, req: IncomingMessage): InstallProblem {
  const slackError = new URL(req.url ?? "/", "http://localhost").searchParams.get("error");
  if (slackError === "access_denied") return { kind: "denied" };
  if (slackError) return { kind: "slack-error", error: slackError.slice(0, 100) };
  switch (error.code as string) {
    case "slack_oauth_missing_code":
      return { kind: "missing-code" };
    case "slack_oauth_missing_state":
    case "slack_oauth_invalid_state":
      return { kind: "bad-state" };
    case "slack_webapi_platform_error":
      return {
        kind: "exchange-refused",
        error: String((error as { data?: { error?: unknown } }).data?.error ?? "error").slice(0, 100),
      };
    case "slack_webapi_request_error":
    case "slack_webapi_http_error":
    case "slack_webapi_rate_limited_error":
      return { kind: "unreachable" };
    default:
      return { kind: "internal" };
  }
}

const placeOf = (installation: Installation): string =>
  installation.isEnterpriseInstall
    ? (installation.enterprise?.name ?? installation.enterprise?.id ?? "your organisation")
    : (installation.team?.name ?? installation.team?.id ?? "your workspace");

export function installRoutes(installer: InstallProvider, logger: Logger): InstallRoute[] {
  const fail = (res: ServerResponse, problem: InstallProblem) => {
    const { status, html } = problemPage(problem, INSTALL_PATH);
    if (!res.headersSent) sendPage(res, status, html);
  };
  return [
    {
      path: INSTALL_PATH,
      async handle(req, res) {
        try {
          await installer.handleInstallPath(req, res);
        } catch (err) {
          logger.error(`install page failed: ${(err as Error).message}`);
          fail(res, { kind: "internal" });
        }
      },
    },
    {
      path: REDIRECT_PATH,
      handle: (req, res) =>
        installer.handleCallback(req, res, {
          successAsync: async (installation, _options, _req, callbackRes) => {
            const who = installation.isEnterpriseInstall
              ? `organisation ${installation.enterprise?.id}`
              : `workspace ${installation.team?.id}`;
            logger.info(`installed in ${who} by ${installation.user.id}`);
            sendPage(callbackRes, 200, installedPage(placeOf(installation)));
          },
          failureAsync: async (error, _options, callbackReq, callbackRes) => {
            const problem = problemFor(error, callbackReq);
            logger.warn(`install not completed (${problem.kind}): ${error.message}`);
            fail(callbackRes, problem);
          },
        }),
    },
  ];
}
