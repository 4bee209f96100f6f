import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * A loopback "policy site" for the monitor's tests: each path serves whatever page the test set last,
 * with a strong ETag and Last-Modified so conditional requests get real 304s, and counts every hit.
 */

export interface Page {
  status?: number;
  body: string | Buffer;
  contentType?: string;
  /** false: send no validators (a server that ignores conditional requests). */
  validators?: boolean;
  gzip?: boolean;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Status for HEAD requests instead (405: a server that refuses HEAD); GET still gets `status`. */
  headStatus?: number;
}

export interface PolicySite {
  readonly url: string;
  set(path: string, page: Page): void;
  hits(path: string): number;
  notModified(path: string): number;
  bytesSent(): number;
  lastRequestHeaders(path: string): IncomingMessage["headers"] | undefined;
  close(): Promise<void>;
}

export async function startPolicySite(): Promise<PolicySite> {
  const pages = new Map<string, { page: Page; etag: string; lastModified: string }>();
  const hits = new Map<string, number>();
  const notModified = new Map<string, number>();
  const headersSeen = new Map<string, IncomingMessage["headers"]>();
  let bytes = 0;
  let clock = Date.UTC(2025, 0, 1);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    headersSeen.set(path, req.headers);
    const entry = pages.get(path);
    if (!entry) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const { page, etag, lastModified } = entry;
    const validators = page.validators !== false;
    if (validators && (page.status ?? 200) === 200 && req.headers["if-none-match"] === etag) {
      notModified.set(path, (notModified.get(path) ?? 0) + 1);
      res.writeHead(304, { etag }).end();
      return;
    }
    let body = typeof page.body === "string" ? Buffer.from(page.body, "utf8") : page.body;
    const headers: Record<string, string> = {
      "content-type": page.contentType ?? "text/html; charset=utf-8",
      ...(validators ? { etag, "last-modified": lastModified } : {}),
      ...page.headers,
    };
    if (page.gzip) {
      body = gzipSync(body);
      headers["content-encoding"] = "gzip";
    }
    bytes += body.length;
    const status =
      req.method === "HEAD" && page.headStatus !== undefined ? page.headStatus : (page.status ?? 200);
    const send = () => res.writeHead(status, headers).end(body);
    if (page.delayMs) setTimeout(send, page.delayMs);
    else send();
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set(path, page) {
      clock += 60_000;
      const etag = `"${createHash("sha256").update(page.body).digest("hex").slice(0, 20)}"`;
      const previous = pages.get(path);
      const lastModified = previous?.etag === etag ? previous.lastModified : new Date(clock).toUTCString();
      pages.set(path, { page, etag, lastModified });
    },
    hits: (path) => hits.get(path) ?? 0,
    notModified: (path) => notModified.get(path) ?? 0,
    bytesSent: () => bytes,
    lastRequestHeaders: (path) => headersSeen.get(path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
