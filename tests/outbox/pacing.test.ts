import { describe, expect, it } from "vitest";
import { backoffMs, Limiter, TokenBucket } from "../../src/outbox/pacing.js";

describe("TokenBucket", () => {
  it("allows a burst, then spaces reservations at the rate", () => {
    const b = new TokenBucket({ perSecond: 1, burst: 2 }, 0);
    expect([b.reserve(0), b.reserve(0), b.reserve(0), b.reserve(0)]).toEqual([0, 0, 1000, 2000]);
  });

  it("settle counts a token as used when the call completed", () => {
    const b = new TokenBucket({ perSecond: 4, burst: 1 }, 0);
    expect(b.reserve(0)).toBe(0);
    b.settle(100); // the call took 100 ms
    expect(b.reserve(100)).toBe(250);
  });

  it("pause holds everyone until Retry-After has passed, then restarts empty", () => {
    const b = new TokenBucket({ perSecond: 10, burst: 5 }, 0);
    b.pause(3000);
    expect(b.blockedFor(1000)).toBe(2000);
    expect(b.tryTake(1000)).toBe(2000);
    expect(b.tryTake(3000)).toBe(100);
    expect(b.tryTake(3100)).toBe(0);
  });

  it("tryTake never lets more than the burst through after a stall", () => {
    const b = new TokenBucket({ perSecond: 100, burst: 3 }, 0);
    const granted = Array.from({ length: 10 }, () => b.tryTake(60_000)).filter((w) => w === 0).length;
    expect(granted).toBe(3);
  });
});

describe("Limiter", () => {
  it("serves waiters in order at the bucket's rate", async () => {
    const l = new Limiter(new TokenBucket({ perSecond: 50, burst: 1 }, Date.now()));
    const order: number[] = [];
    const start = Date.now();
    await Promise.all([0, 1, 2, 3, 4].map((i) => l.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(70);
  });

  it("releaseAll lets waiters go at once (stopping)", async () => {
    const l = new Limiter(new TokenBucket({ perSecond: 0.1, burst: 1 }, Date.now()));
    await l.acquire();
    const waiting = l.acquire();
    l.releaseAll();
    await waiting;
  });
});

describe("backoffMs", () => {
  it("grows exponentially with full jitter, capped", () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(20, 1000, 60_000, () => 0)).toBe(500);
  });
});
