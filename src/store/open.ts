import { type OpenOptions, openKyselyStore } from "./kysely/index.js";
import type { Store } from "./types.js";

/**
 * Opens the store DATABASE_URL names: `sqlite:<file path>` (or `sqlite::memory:`), the embedded default, or
 * `postgres://…` / `postgresql://…`. Applies pending migrations (under a lock) first. Start-up failures
 * throw StoreOpenError with one line naming DATABASE_URL and the fix.
 */
export function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  return openKyselyStore(databaseUrl, options);
}
