import { Limiter, type Rate, TokenBucket } from "./pacing.js";

/**
 * Pacing for one deliverer: a token bucket per channel and a FIFO limiter per workspace (pacing.ts), and
 * sleeps that end early when the deliverer stops. A 429 pauses both the channel's and the workspace's
 * bucket for its Retry-After (docs.slack.dev/apis/web-api/rate-limits).
 */
export interface Pacer {
  /** Waits for this channel's and this workspace's turn; false when stopping. */
  pace(teamId: string, channelId: string): Promise<boolean>;
  /** Frees the channel's in-flight slot once the call is answered. */
  settle(teamId: string, channelId: string): void;
  /** Nobody in this channel or workspace goes before `ms` from now. */
  pause(teamId: string, channelId: string, ms: number): void;
  /** Resolves after `ms`, or at once when stopping. */
  sleep(ms: number): Promise<void>;
}

export function createPacer(rates: { channel: Rate; workspace: Rate }, signal: AbortSignal): Pacer {
  const channelBuckets = new Map<string, TokenBucket>();
  const workspaceBuckets = new Map<string, TokenBucket>();
  const workspaces = new Map<string, Limiter>();
  const bucket = (map: Map<string, TokenBucket>, key: string, rate: Rate) => {
    const existing = map.get(key);
    if (existing) return existing;
    const created = new TokenBucket(rate, Date.now());
    map.set(key, created);
    return created;
  };
  const channel = (teamId: string, channelId: string) =>
    bucket(channelBuckets, `${teamId}/${channelId}`, rates.channel);
  const workspace = (teamId: string) => {
    const existing = workspaces.get(teamId);
    if (existing) return existing;
    const created = new Limiter(bucket(workspaceBuckets, teamId, rates.workspace));
    workspaces.set(teamId, created);
    return created;
  };
  signal.addEventListener("abort", () => {
    for (const l of workspaces.values()) l.releaseAll();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });

  return {
    sleep,
    async pace(teamId, channelId) {
      const ch = channel(teamId, channelId);
      await sleep(ch.reserve(Date.now()));
      // A 429 during our wait paused the channel: wait that out too.
      for (
        let wait = ch.blockedFor(Date.now());
        wait > 0 && !signal.aborted;
        wait = ch.blockedFor(Date.now())
      )
        await sleep(wait);
      if (signal.aborted) return false;
      await workspace(teamId).acquire();
      return !signal.aborted;
    },
    settle: (teamId, channelId) => channel(teamId, channelId).settle(Date.now()),
    pause(teamId, channelId, ms) {
      const until = Date.now() + ms;
      channel(teamId, channelId).pause(until);
      workspace(teamId).bucket.pause(until);
    },
  };
}
