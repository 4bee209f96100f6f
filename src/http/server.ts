import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@slack/logger";
import type { HealthReport } from "../health/index.js";
import { guardSlackRequest } from "./guard.js";

/**
 * The bot's one HTTP server, on PORT in both modes: `GET /healthz` always, and in HTTP mode
 * `POST /slack/events`, whose body is read (capped), checked by `guardSlackRequest`, and only then handed to
 * Bolt's HTTPReceiver `requestListener` (which uses the already-read `rawBody` instead of the stream).
 */
export interface HttpServerOptions {
  port: number;
  host?: string | undefined;
  logger: Logger;
  health: () => Promise<HealthReport>;
  slack?: { listener: RequestListener; signingSecret: string; now: () => Date; path: string };
  /** GET pages answered before the web surface (distributed mode: /slack/install, /slack/oauth_redirect). */
  pages?: readonly { path: string; handle(req: IncomingMessage, res: ServerResponse): Promise<void> }[];
  /** Every other request (the read-only web pages); without it, 404. */
  other?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Slack's payloads are far below this; anything bigger is refused before it is buffered. */
  bodyLimitBytes?: number;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function end(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { logger, slack } = options;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      const report = await options.health();
      return end(res, report.status, report.body);
    }
    if (slack && path === slack.path && req.method === "POST") {
      const rawBody = await readBody(req, limit);
      if (rawBody === "too-large") {
        logger.warn(`refused a request to ${slack.path}: body over ${limit} bytes`);
        return end(res, 413);
      }
      const verdict = guardSlackRequest({
        headers: req.headers,
        rawBody,
        signingSecret: slack.signingSecret,
        nowMs: slack.now().getTime(),
      });
      if (!verdict.ok) {
        logger.warn(`refused a request to ${slack.path}: ${verdict.reason}`);
        return end(res, verdict.status);
      }
      // Bolt's bufferIncomingMessage reuses `rawBody` when it is already a Buffer.
      Object.assign(req, { rawBody });
      // The slash command is acknowledged with JSON the bot serialized once for a cached answer, and Bolt
      // writes a string acknowledgement as it is (HTTPModuleFunctions.buildContentResponse). Slack reads an
      // immediate response as a message only with this content type
      // (https://api.slack.com/interactivity/slash-commands#responding_immediate_response). Every other
      // answer Bolt gives here is empty or sets the same type itself.
      res.setHeader("content-type", "application/json");
      slack.listener(req, res);
      return;
    }
    const page = options.pages?.find((p) => p.path === path);
    if (page && req.method === "GET") return page.handle(req, res);
    if (options.other) return options.other(req, res);
    end(res, 404);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error(`HTTP ${req.method} ${req.url ?? ""} failed: ${(err as Error).message}`);
      end(res, 500);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      server.on("error", (err) => logger.error(`HTTP server: ${err.message}`));
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
