import { describe, expect, it } from "vitest";
import { decide, type PolicySettings } from "../../src/outbox/policy.js";

const settings: PolicySettings = {
  maxAttempts: 3,
  backoff: { baseMs: 1000, capMs: 8000 },
  random: () => 0.5,
};

describe("failure policy (pure)", () => {
  it("a 429 waits exactly Retry-After and says nothing reached Slack", () => {
    expect(
      decide({ type: "rate-limited", retryAfterMs: 4000, error: "rate_limited" }, 1, "C1", settings),
    ).toEqual({
      action: "rate-limited",
      error: "rate_limited",
      delayMs: 4000,
    });
  });

  it("a transient failure retries with backoff, maybe posted, until maxAttempts, then fails without pausing", () => {
    const first = decide({ type: "transient", error: "http_503" }, 1, "C1", settings);
    expect(first).toEqual({ action: "retry", error: "http_503", maybePosted: true, delayMs: 750 });
    const second = decide({ type: "transient", error: "http_503" }, 2, "C1", settings);
    expect(second).toMatchObject({ action: "retry", delayMs: 1250 });
    expect(decide({ type: "transient", error: "http_503" }, 3, "C1", settings)).toEqual({
      action: "fail",
      error: "http_503 (gave up after 3 attempts)",
      pause: false,
      recipientGone: false,
    });
  });

  it("an unusable token halts delivery for at least a minute", () => {
    expect(decide({ type: "auth", error: "invalid_auth" }, 1, "C1", settings)).toEqual({
      action: "halt",
      error: "invalid_auth",
      delayMs: 60_000,
    });
  });

  it("a channel error pauses the subscription; a deactivated person is also 'recipient gone'", () => {
    expect(decide({ type: "channel", error: "not_in_channel" }, 1, "C1", settings)).toEqual({
      action: "fail",
      error: "not_in_channel",
      pause: true,
      recipientGone: false,
    });
    expect(decide({ type: "channel", error: "user_disabled" }, 1, "UBOB", settings)).toMatchObject({
      action: "fail",
      pause: true,
      recipientGone: true,
    });
  });

  it("a message Slack refuses fails alone: no pause", () => {
    expect(decide({ type: "message", error: "invalid_blocks" }, 1, "C1", settings)).toEqual({
      action: "fail",
      error: "invalid_blocks",
      pause: false,
      recipientGone: false,
    });
  });
});
