import { apologyFor } from "../slack/index.js";
import { isStoreUnavailable } from "../store/index.js";

/**
 * What a person sees when answering them failed: the database being away (restarting, unreachable) is
 * named as such — it passes, so "try again in a minute" is true advice; Slack's failures keep their own words.
 */
export function apology(err: unknown): string {
  return isStoreUnavailable(err)
    ? "I can't reach my database just now. Please try again in a minute."
    : apologyFor(err);
}
