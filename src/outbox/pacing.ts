/**
 * Client-side pacing so the bot stays under Slack's limits instead of bouncing off them:
 * `chat.postMessage` allows about 1 message per second per channel with short bursts, plus a
 * workspace-wide limit (shared/slack-reference.md → Web API). A token bucket hands out reservations in
 * FIFO order; `pause` honours a 429's Retry-After for everyone waiting on that bucket.
 */
export interface Rate {
  /** Tokens per second. */
  perSecond: number;
  /** Tokens available at once (bucket size). */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  /** Time (epoch ms) the token count refers to; in the future while paused. */
  private last: number;

  constructor(
    private readonly rate: Rate,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.last = now;
  }

  /** Takes a token now or in the future; returns how many ms to wait before using it. */
  reserve(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) / 1000) * this.rate.perSecond);
      this.last = now;
    }
    this.tokens -= 1;
    const debt = this.tokens >= 0 ? 0 : (-this.tokens / this.rate.perSecond) * 1000;
    return Math.ceil(this.last - now + debt);
  }

  /**
   * Takes a token if one is there now (returns 0), else returns the ms until one will be. Unlike `reserve`,
   * nothing is promised ahead: after the process stalls, at most `burst` calls go out at once.
   */
  tryTake(now: number): number {
    if (now < this.last) return Math.ceil(this.last - now);
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) / 1000) * this.rate.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate.perSecond) * 1000));
  }

  /**
   * The call that used the last token has completed at `now`: count the token as used then, not when it
   * was reserved. Latency varies, so spacing calls by completion keeps their *arrival* at Slack spaced too.
   */
  settle(now: number): void {
    if (now > this.last) this.last = now;
  }

  /** Nobody gets through before `until` (epoch ms); the bucket restarts empty then. */
  pause(until: number): void {
    if (until <= this.last) return;
    this.tokens = Math.min(this.tokens, 0);
    this.last = until;
  }

  /** Ms until a pause ends (0 when not paused). */
  blockedFor(now: number): number {
    return Math.max(0, this.last - now);
  }
}

/**
 * A FIFO queue in front of a bucket shared by many callers (the workspace): one timer serves waiters in
 * order as tokens appear, instead of every waiter polling.
 */
export class Limiter {
  private readonly waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly bucket: TokenBucket) {}

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  /** Lets every waiter go (used when stopping; callers check whether to proceed). */
  releaseAll(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w();
  }

  private pump(): void {
    if (this.timer) return;
    while (this.waiters.length) {
      const wait = this.bucket.tryTake(Date.now());
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.waiters.shift()?.();
    }
  }
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a random delay in [base/2, min(cap, base·2^(attempt-1))].
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(ceiling, baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}
