import type { ReviewFlag } from "../../blocks/index.js";
import type { AppDeps } from "../../deps.js";

/** Providers whose opt-out help article changed since the catalog was last reviewed (set by the monitor). */
export function reviewFlags(_deps: AppDeps): Map<string, ReviewFlag> {
  return new Map();
}
