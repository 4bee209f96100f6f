import { openSqliteStore, StoreOpenError } from "./sqlite/index.js";
import type { Store } from "./types.js";

/**
 * Opens the store DATABASE_URL names. `sqlite:<file path>` (or `sqlite::memory:`) is the embedded default.
 * Async because a server database is only usable after a round trip.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith("sqlite:")) return openSqliteStore(databaseUrl.slice("sqlite:".length));
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1];
  throw new StoreOpenError(
    `DATABASE_URL: ${scheme ? `the scheme "${scheme}:" is not supported` : "not a database URL"}; ` +
      "use sqlite:<file path>, e.g. DATABASE_URL=sqlite:./data/ai-privacy.db",
  );
}
