import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CustomRoute } from "@slack/bolt";
import { send } from "./http.js";
import { type Links, linksFor } from "./layout.js";
import { serve, type WebDeps, type WebRoute, webRoutes } from "./routes.js";

/**
 * The read-only web surface (change pages, provider pages, Atom feeds, iCalendar files), on when
 * PUBLIC_URL is set. In HTTP mode it shares Bolt's HTTP server as custom routes; in Socket Mode, where
 * Bolt opens no server of its own for requests, it listens on PORT itself.
 */

export { escapeHtml } from "./html.js";
export { CONTENT_SECURITY_POLICY } from "./http.js";
export type { Links } from "./layout.js";
export { linksFor } from "./layout.js";
export type { WebDeps } from "./routes.js";

interface CompiledRoute {
  route: WebRoute;
  pattern: RegExp;
  names: string[];
}

/** `/feeds/providers/:id.atom` → a regular expression with one capture per `:name` (one path segment). */
function compile(route: WebRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split(/(:[a-z]+)/)
    .map((piece) => {
      if (piece.startsWith(":")) {
        names.push(piece.slice(1));
        return "([^/]+?)";
      }
      return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export interface WebSurface {
  readonly links: Links;
  /** For Bolt's HTTPReceiver `customRoutes`: every path the surface answers, GET and HEAD. */
  readonly customRoutes: CustomRoute[];
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Socket Mode: a server of its own on PORT. */
  listen(port: number, host?: string): Promise<{ port: number; close(): Promise<void> }>;
}

export function createWebSurface(deps: WebDeps, options: { cacheSize?: number } = {}): WebSurface {
  const links = linksFor(deps.publicUrl);
  const routes = webRoutes(deps, options).map(compile);
  const notFound = (req: IncomingMessage, res: ServerResponse, status: 404 | 400 | 405) =>
    send(req, res, {
      status,
      type: "text/plain; charset=utf-8",
      body:
        status === 405 ? "These pages are read-only: use GET.\n" : `Nothing here. Start at ${links.base}/\n`,
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") return notFound(req, res, 405);
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    for (const { route, pattern, names } of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      try {
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(match[i + 1] ?? "");
        });
      } catch {
        return notFound(req, res, 400);
      }
      return serve(route, params, req, res, deps);
    }
    return notFound(req, res, 404);
  };

  return {
    links,
    customRoutes: routes.map(({ route }) => ({
      path: route.path,
      method: ["GET", "HEAD"],
      handler: (req, res) => void handle(req, res),
    })),
    handle,
    async listen(port, host) {
      const server: Server = createServer((req, res) => void handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
}
