import { describe, expect, it } from "vitest";
import { type FetchFailureCause, fetchFailure, httpFailure, networkCause } from "../../src/monitor/index.js";

// Whether a failed fetch may go away by itself is decided here, once (fetch-failure.ts).
describe("fetch failures", () => {
  it("HTTP 5xx, 408 and 429 may be transient; any other final status is not", () => {
    for (const status of [500, 502, 503, 504, 408, 429])
      expect(httpFailure(status).mayBeTransient).toBe(true);
    for (const status of [400, 401, 403, 404, 410, 451, 204 + 100]) {
      expect(httpFailure(status)).toMatchObject({ cause: "http-client", mayBeTransient: false });
    }
    expect(httpFailure(503)).toEqual({
      kind: "failed",
      cause: "http-server",
      reason: "HTTP 503",
      mayBeTransient: true,
    });
  });

  it("timeouts, connections, DNS, cut bodies and the reader's own trouble may be transient", () => {
    const transient: FetchFailureCause[] = ["timeout", "connection", "dns", "truncated", "reader"];
    const permanent: FetchFailureCause[] = [
      "redirect",
      "non-public-address",
      "too-large",
      "not-html",
      "invalid-url",
    ];
    for (const cause of transient) expect(fetchFailure(cause, "x").mayBeTransient).toBe(true);
    for (const cause of permanent) expect(fetchFailure(cause, "x").mayBeTransient).toBe(false);
  });

  it("tells a DNS failure from other network errors", () => {
    expect(networkCause("ENOTFOUND")).toBe("dns");
    expect(networkCause("EAI_AGAIN")).toBe("dns");
    expect(networkCause("ECONNRESET")).toBe("connection");
    expect(networkCause(undefined)).toBe("connection");
  });
});
