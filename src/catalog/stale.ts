import type { Provider } from "./schema.js";

/** Default of `CATALOG_STALE_DAYS`: an entry not reviewed for this long may be out of date. */
export const DEFAULT_STALE_DAYS = 120;

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * Whether an entry's facts may be out of date: its `lastReviewed` is more than `staleDays` calendar days
 * before `today` (both YYYY-MM-DD). An entry never reviewed (an overlay addition) is shown "unreviewed"
 * instead, so it is not counted here. Pure: the caller passes the day.
 */
export function staleSince(p: Provider, today: string, staleDays: number): string | undefined {
  if (!p.lastReviewed) return undefined;
  return dayNumber(today) - dayNumber(p.lastReviewed) > staleDays ? p.lastReviewed : undefined;
}

/** Every provider that may be out of date, oldest review first. */
export function staleProviders(providers: readonly Provider[], today: string, staleDays: number): Provider[] {
  return providers
    .filter((p) => staleSince(p, today, staleDays) !== undefined)
    .sort((a, b) => (a.lastReviewed ?? "").localeCompare(b.lastReviewed ?? ""));
}
