import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeHtml } from "../../src/monitor/charset.js";
import { createFetcher } from "../../src/monitor/fetch.js";

/** The fetcher's guards against a deliberately difficult local server. */

let server: Server;
let base: string;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/big":
        res.writeHead(200, { "content-type": "text/html" });
        res.end("x".repeat(300_000));
        return;
      case "/loop":
        res.writeHead(302, { location: "/loop" }).end();
        return;
      case "/slow":
        setTimeout(() => res.writeHead(200, { "content-type": "text/html" }).end("late"), 1_000);
        return;
      case "/latin1":
        res.writeHead(200, { "content-type": "text/html" });
        res.end(
          Buffer.concat([
            Buffer.from('<meta charset="iso-8859-1"><p>'),
            Buffer.from([0xe9]),
            Buffer.from("t</p>"),
          ]),
        );
        return;
      case "/busy":
        res.writeHead(503).end();
        return;
      case "/pdf":
        res.writeHead(200, { "content-type": "application/pdf" }).end("%PDF");
        return;
      case "/hold":
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight -= 1;
          res.writeHead(200, { "content-type": "text/html" }).end("ok");
        }, 30);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createFetcher", () => {
  const fetcher = createFetcher({
    jitterMaxMs: 0,
    maxBytes: 100_000,
    totalTimeoutMs: 300,
    perHostConcurrency: 2,
  });
  afterAll(() => fetcher.close());

  it("caps the body size", async () => {
    expect(await fetcher({ url: `${base}/big` })).toMatchObject({
      kind: "failed",
      cause: "too-large",
      reason: expect.stringMatching(/larger/),
      mayBeTransient: false,
    });
  });

  it("caps redirects", async () => {
    expect(await fetcher({ url: `${base}/loop` })).toMatchObject({
      kind: "failed",
      reason: expect.stringMatching(/redirects/),
    });
  });

  it("gives up after the total timeout", async () => {
    expect(await fetcher({ url: `${base}/slow` })).toMatchObject({
      kind: "failed",
      cause: "timeout",
      reason: expect.stringMatching(/timeout/),
      mayBeTransient: true,
    });
  });

  it("reports 4xx and non-HTML answers as failures", async () => {
    expect(await fetcher({ url: `${base}/nothing` })).toEqual({
      kind: "failed",
      cause: "http-client",
      reason: "HTTP 404",
      mayBeTransient: false,
    });
    expect(await fetcher({ url: `${base}/pdf` })).toMatchObject({
      kind: "failed",
      reason: expect.stringMatching(/not an HTML/),
    });
  });

  it("marks a server error and a refused connection as may be transient", async () => {
    expect(await fetcher({ url: `${base}/busy` })).toMatchObject({
      cause: "http-server",
      mayBeTransient: true,
    });
    // A port nothing listens on: the listener's own port, once it is closed.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await fetcher({ url: `http://127.0.0.1:${port}/` })).toMatchObject({
      cause: "connection",
      reason: expect.stringMatching(/ECONNREFUSED/),
      mayBeTransient: true,
    });
  });

  it("decodes the charset a page declares", async () => {
    // Decoding happens where the page is read (the worker): the fetcher hands over the bytes as they came.
    const page = await fetcher({ url: `${base}/latin1` });
    expect(page.kind).toBe("page");
    const body = page.kind === "page" ? page.body : new Uint8Array();
    expect(decodeHtml(body, page.kind === "page" ? page.contentType : undefined)).toContain("<p>ét</p>");
  });

  it("limits requests per host", async () => {
    await Promise.all(Array.from({ length: 6 }, () => fetcher({ url: `${base}/hold` })));
    expect(maxInFlight).toBe(2);
  });
});
