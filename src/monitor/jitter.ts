/** Longest spread of a scheduled policy check's start, so many installs do not hit a site in the same second. */
export const DEFAULT_CHECK_JITTER_MS = 5 * 60_000;

/** The spread is at most this share of the schedule's own period, so a frequent schedule keeps its pace. */
export const CHECK_JITTER_SHARE = 0.1;

/**
 * The start-delay bound for a schedule whose shortest gap between runs is `periodMs`: 10 % of it, never more
 * than 5 minutes. With POLICY_CHECK_CRON every minute that is 6 s (a fixed 0–5 min delay made a check run
 * only every ~5 minutes and the overlap rule swallowed the ticks in between); every 6 hours, 5 minutes.
 */
export function checkJitterBoundMs(periodMs: number | undefined): number {
  if (periodMs === undefined || !(periodMs > 0)) return DEFAULT_CHECK_JITTER_MS;
  return Math.min(DEFAULT_CHECK_JITTER_MS, Math.floor(periodMs * CHECK_JITTER_SHARE));
}

/** A random delay in [0, maxMs), whole milliseconds; `random` is injectable for tests. */
export function jitterMs(
  maxMs: number = DEFAULT_CHECK_JITTER_MS,
  random: () => number = Math.random,
): number {
  if (!(maxMs > 0)) return 0;
  return Math.min(maxMs - 1, Math.floor(random() * maxMs));
}
