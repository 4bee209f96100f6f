import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from "node:zlib";
import { type Dispatcher, errors, request } from "undici";
import { USER_AGENT } from "../version.js";
import { type FetchFailure, fetchFailure, httpFailure, networkCause } from "./fetch-failure.js";
import {
  checkRedirect,
  NON_PUBLIC_ADDRESS,
  type RedirectDispatchers,
  type Resolver,
  redirectDispatchers,
} from "./redirects.js";

/**
 * Conditional GET of one policy page with every guard a polite, robust watcher needs: connect and total
 * timeouts, redirects followed only within the document's own site (redirects.ts) and at most
 * `maxRedirects` of them, a body size cap (also after decompression), a User-Agent that names the bot, a
 * per-host concurrency limit and a small random delay so that a run does not hammer a host. The page comes
 * back as bytes. A policy check runs this fetcher inside the page-reading worker thread (read-page.ts),
 * where the bytes are also hashed, decoded and parsed, so none of it holds the event loop that
 * acknowledges Slack; decompression runs on libuv's thread pool.
 */

export interface FetchRequest {
  readonly url: string;
  readonly etag?: string | null;
  readonly lastModified?: string | null;
  /** Hosts on other sites the catalog entry allows this document to redirect to (`allowRedirectsTo`). */
  readonly allowRedirectsTo?: readonly string[];
}

export type FetchOutcome =
  | { readonly kind: "not-modified" }
  | {
      readonly kind: "page";
      /** The decompressed body, in a buffer of its own (so that it can be moved to a worker). */
      readonly body: Uint8Array;
      readonly contentType: string | undefined;
      /** Bytes on the wire (before decompression). */
      readonly bytes: number;
      readonly etag: string | null;
      readonly lastModified: string | null;
    }
  | FetchFailure;

export type Fetcher = (req: FetchRequest) => Promise<FetchOutcome>;

export interface FetcherOptions {
  readonly connectTimeoutMs?: number;
  readonly totalTimeoutMs?: number;
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
  readonly perHostConcurrency?: number;
  /** Upper bound of the random pause before each request; 0 disables it (tests, benchmarks). */
  readonly jitterMaxMs?: number;
  readonly userAgent?: string;
  readonly random?: () => number;
  /**
   * Resolves a redirect target's host for the connection itself, which refuses non-public addresses; the
   * system resolver by default (tests inject one).
   */
  readonly resolve?: Resolver;
}

export const DEFAULT_USER_AGENT = USER_AGENT;

export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
  jitterMaxMs: 400,
} as const;

/** The statuses that carry a Location to follow (RFC 9110 section 15.4). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface HttpFetcher extends Fetcher {
  close(): Promise<void>;
}

export function createFetcher(options: FetcherOptions = {}): HttpFetcher {
  const settings = { ...FETCH_DEFAULTS, ...options };
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const dispatchers = redirectDispatchers({
    connectTimeoutMs: settings.connectTimeoutMs,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const politely = politeScheduler(options);
  const fetcher = (req: FetchRequest): Promise<FetchOutcome> =>
    politely(req.url, () => fetchOnce(dispatchers, req, settings, userAgent));
  return Object.assign(fetcher, { close: () => dispatchers.close() });
}

/**
 * Runs one request to `url`'s host politely: at most `perHostConcurrency` at once per host, each after a
 * random pause of up to `jitterMaxMs`. An address that is not a URL fails at once. Shared by this fetcher
 * and the worker-thread page reader (read-pool.ts), which keeps the politeness on the calling thread.
 */
export function politeScheduler(
  options: Pick<FetcherOptions, "perHostConcurrency" | "jitterMaxMs" | "random"> = {},
) {
  const perHost = options.perHostConcurrency ?? FETCH_DEFAULTS.perHostConcurrency;
  const jitterMaxMs = options.jitterMaxMs ?? FETCH_DEFAULTS.jitterMaxMs;
  const random = options.random ?? Math.random;
  const limiter = new HostLimiter(perHost);
  return async <T extends object>(
    url: string,
    task: () => Promise<T | FetchFailure>,
  ): Promise<T | FetchFailure> => {
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return fetchFailure("invalid-url", `not a valid URL: ${url}`);
    }
    return limiter.run(host, async () => {
      if (jitterMaxMs > 0) await sleep(Math.floor(random() * jitterMaxMs));
      return task();
    });
  };
}

async function fetchOnce(
  dispatchers: RedirectDispatchers,
  req: FetchRequest,
  settings: Required<Omit<FetcherOptions, "random" | "userAgent" | "resolve">>,
  userAgent: string,
): Promise<FetchOutcome> {
  const headers: Record<string, string> = {
    "user-agent": userAgent,
    accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "accept-language": "en",
    "accept-encoding": "gzip, deflate, br",
  };
  if (req.etag) headers["if-none-match"] = req.etag;
  if (req.lastModified) headers["if-modified-since"] = req.lastModified;
  // An own controller (not AbortSignal.timeout) so that the timer dies with the request instead of
  // aborting an already-finished body later.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("total timeout", "TimeoutError")),
    settings.totalTimeoutMs,
  );
  try {
    const documentUrl = new URL(req.url);
    let url = documentUrl;
    let response: Dispatcher.ResponseData;
    for (let hop = 0; ; hop++) {
      const dispatcher = dispatchers.forHop(documentUrl, url);
      response = await request(url, { method: "GET", headers, dispatcher, signal: controller.signal });
      // Bailing out early destroys the body; its late errors are expected and must not go unhandled.
      response.body.on("error", () => {});
      if (!REDIRECTS.has(response.statusCode)) break;
      await response.body.dump();
      const location = header(response.headers, "location");
      if (!location) return fetchFailure("redirect", `HTTP ${response.statusCode} without a Location`);
      if (hop >= settings.maxRedirects) {
        const reason = `more than ${settings.maxRedirects} redirects (HTTP ${response.statusCode})`;
        return fetchFailure("redirect", reason);
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return fetchFailure("redirect", "redirected to an address that is not a valid URL");
      }
      const verdict = checkRedirect(documentUrl, next, req.allowRedirectsTo ?? []);
      if (!verdict.ok) return fetchFailure("redirect", verdict.reason);
      // Validators describe the document's own URL; sent to another origin they mean nothing.
      if (next.origin !== documentUrl.origin) {
        delete headers["if-none-match"];
        delete headers["if-modified-since"];
      }
      url = next;
    }
    const { statusCode } = response;
    if (statusCode === 304) {
      await response.body.dump();
      return { kind: "not-modified" };
    }
    if (statusCode < 200 || statusCode >= 300) {
      await response.body.dump();
      return httpFailure(statusCode);
    }
    const declared = Number(header(response.headers, "content-length") ?? "NaN");
    if (declared > settings.maxBytes) {
      response.body.destroy();
      return fetchFailure("too-large", oversize(settings.maxBytes));
    }
    const contentType = header(response.headers, "content-type");
    if (contentType && !/html|xml|text\/plain/i.test(contentType)) {
      response.body.destroy();
      return fetchFailure("not-html", `not an HTML page (content-type ${contentType})`);
    }
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of response.body) {
      bytes += (chunk as Buffer).length;
      if (bytes > settings.maxBytes) {
        response.body.destroy();
        return fetchFailure("too-large", oversize(settings.maxBytes));
      }
      chunks.push(chunk as Buffer);
    }
    const body = await decompress(
      ownBuffer(chunks, bytes),
      header(response.headers, "content-encoding"),
      settings.maxBytes,
    );
    return {
      kind: "page",
      body,
      contentType,
      bytes,
      etag: header(response.headers, "etag") ?? null,
      lastModified: header(response.headers, "last-modified") ?? null,
    };
  } catch (err) {
    return failureOfError(err, settings);
  } finally {
    clearTimeout(timer);
  }
}

const inflaters: Record<string, (body: Uint8Array, options: ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  "x-gzip": promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress) as (body: Uint8Array, options: ZlibOptions) => Promise<Buffer>,
};

/**
 * Decodes the content-encoding with the size cap applied to the output too (a small gzip can expand to
 * gigabytes), on libuv's thread pool rather than the event loop. Done here rather than with undici's
 * decompress interceptor, which is still experimental.
 */
async function decompress(body: Uint8Array, encoding: string | undefined, maxBytes: number) {
  const inflater = inflaters[(encoding ?? "identity").trim().toLowerCase()];
  if (!inflater) return body;
  const out = await inflater(body, { maxOutputLength: maxBytes });
  // Large zlib outputs own their buffer; a small one may sit in Node's shared pool, so it is copied out.
  return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
}

/**
 * The chunks copied once into a buffer of their own (not a slice of Node's shared pool), so that the page
 * can be moved to a worker thread rather than copied again there.
 */
function ownBuffer(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const oversize = (max: number) => `the page is larger than ${Math.round(max / 1024 / 1024)} MB`;

/** A thrown error as a typed failure: the fetcher's own guards first, then timeouts, then the network. */
function failureOfError(
  err: unknown,
  settings: { totalTimeoutMs: number; maxRedirects: number; maxBytes: number },
): FetchFailure {
  const error = err as Error & { code?: string };
  if (error.code === NON_PUBLIC_ADDRESS) return fetchFailure("non-public-address", error.message);
  if (error.name === "TimeoutError" || error.name === "AbortError") {
    return fetchFailure("timeout", `no complete answer within ${settings.totalTimeoutMs / 1000} s (timeout)`);
  }
  if (err instanceof errors.ConnectTimeoutError)
    return fetchFailure("timeout", "could not connect in time (connect timeout)");
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError)
    return fetchFailure("timeout", "timeout");
  if (/redirect/i.test(error.message))
    return fetchFailure("redirect", `more than ${settings.maxRedirects} redirects`);
  if (error.code === "ERR_BUFFER_TOO_LARGE" || /size|exceed/i.test(error.message))
    return fetchFailure("too-large", oversize(settings.maxBytes));
  if (error.code?.startsWith("Z_"))
    return fetchFailure("truncated", `the compressed body is corrupt (${error.code})`);
  return fetchFailure(
    networkCause(error.code),
    `${error.code ?? error.name}: ${error.message}`.slice(0, 200),
  );
}

/** At most `limit` requests in flight per host; the rest wait in arrival order. */
class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {}

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    if ((this.active.get(host) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        queue.push(resolve);
        this.waiting.set(host, queue);
      });
    } else {
      this.active.set(host, (this.active.get(host) ?? 0) + 1);
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.get(host)?.shift();
      // The slot passes straight to the next waiter; otherwise it is released.
      if (next) next();
      else this.active.set(host, (this.active.get(host) ?? 1) - 1);
    }
  }
}
