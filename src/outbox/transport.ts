import { STATUS_CODES } from "node:http";
import type { FetchFunction } from "@slack/web-api";
import { Agent, request } from "undici";

/**
 * The deliverer's HTTP transport, given to its WebClient through the client's documented `fetch` option
 * (web-api's `FetchFunction`, which needs only a status, headers and the body). It is undici's `request`
 * over a connection pool of the deliverer's own (undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherrequestoptions-callback):
 * - a fan-out's posts never take the sockets of the reads made while answering people, and they share at
 *   most 64 connections per host;
 * - `request` skips the WHATWG streams, Headers and Response objects `fetch` builds for every call. In the
 *   20-workspace bench, Node's global fetch was the largest single cost of a post (about 1 ms of CPU).
 * Failures keep fetch's shape, which `slackFailure` reads (src/slack/errors.ts): a network error is a
 * `TypeError` whose `cause` carries the code (ECONNRESET, UND_ERR_SOCKET…); an abort (the client's
 * timeout) is the signal's own reason, a `TimeoutError`.
 */
const pool = new Agent({ connections: 64 });

type RawHeaders = Record<string, string | string[] | undefined>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

function responseOf(url: string, status: number, headers: RawHeaders, body: Buffer): FetchResponse {
  const header = (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_CODES[status] ?? "",
    url,
    headers: {
      get: header,
      entries: () =>
        Object.keys(headers).flatMap((name) => {
          const value = header(name);
          return value === null ? [] : [[name, value] as [string, string]];
        }),
    },
    arrayBuffer: async () =>
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    text: async () => body.toString("utf8"),
    json: async () => JSON.parse(body.toString("utf8")) as unknown,
  };
}

export const deliveryFetch: FetchFunction = async (input, init = {}) => {
  const url = String(input);
  const { body, signal } = init;
  // Posts and history reads are URL-encoded strings. A multipart body (a file upload, which the deliverer
  // never makes) is built with Node's own FormData, which only Node's own fetch knows.
  if (body !== undefined && typeof body !== "string") return globalThis.fetch(url, init);
  try {
    const res = await request(url, {
      method: (init.method ?? "GET") as "POST",
      ...(init.headers ? { headers: init.headers } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
      dispatcher: pool,
    });
    // Read to the end (under the same signal) so the connection goes back to the pool at once.
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return responseOf(url, res.statusCode, res.headers, bytes);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError("fetch failed", { cause: err });
  }
};
