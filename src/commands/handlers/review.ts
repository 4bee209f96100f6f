import type { ReviewFlag } from "../../blocks/index.js";
import type { AppDeps } from "../../deps.js";
import { needsReview } from "../../monitor/index.js";

/** Providers whose opt-out help article changed since the catalog was last reviewed (set by the monitor). */
export async function reviewFlags(
  deps: Pick<AppDeps, "store" | "catalog">,
): Promise<Map<string, ReviewFlag>> {
  const flags = new Map<string, ReviewFlag>();
  for (const [providerId, flag] of await needsReview(deps.store)) {
    const provider = deps.catalog.byId(providerId);
    const document = provider?.documents.find((d) => d.id === flag.documentId);
    flags.set(providerId, {
      documentTitle: document?.title ?? flag.documentId,
      since: flag.since.toISOString().slice(0, 10),
    });
  }
  return flags;
}
