/** Default spread of a scheduled policy check's start, so many installs do not hit a site in the same second. */
export const DEFAULT_CHECK_JITTER_MS = 5 * 60_000;

/** A random delay in [0, maxMs), whole milliseconds; `random` is injectable for tests. */
export function jitterMs(
  maxMs: number = DEFAULT_CHECK_JITTER_MS,
  random: () => number = Math.random,
): number {
  if (!(maxMs > 0)) return 0;
  return Math.min(maxMs - 1, Math.floor(random() * maxMs));
}
