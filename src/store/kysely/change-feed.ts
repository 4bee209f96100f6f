import pg from "pg";
import type { PostgresTarget } from "../url.js";
import { type PostgresOptions, pgClientConfig } from "./postgres.js";

/**
 * Word from PostgreSQL that a table this process caches was written, by any instance: one session of its
 * own LISTENs on a channel, and each write NOTIFYs it in the writer's own transaction, so the word goes out
 * when that transaction commits and never for one rolled back (https://www.postgresql.org/docs/15/sql-notify.html).
 *
 * A cache may answer from memory only while the feed is `live` and its `generation` has not moved since
 * the answer was read. The generation moves at every notification and whenever the session is lost or
 * comes back: while it is down nothing is heard, so nothing may be served from memory. It reconnects by
 * itself (1 s, doubling up to 30 s). Like the coordinator's advisory locks, LISTEN needs a real session:
 * behind a transaction-pooling proxy (PgBouncer's `transaction` mode) point DATABASE_URL at the server.
 */
export interface ChangeFeed {
  readonly live: boolean;
  readonly generation: number;
  close(): Promise<void>;
}

/** The one channel: the review flags every slash command reads (store/kysely/monitor.ts). */
export const REVIEW_FLAGS_CHANNEL = "ai_privacy_review_flags";

const RETRY_MS = { first: 1_000, max: 30_000 };

export function listenForChanges(target: PostgresTarget, options: PostgresOptions): ChangeFeed {
  let live = false;
  let generation = 0;
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = RETRY_MS.first;
  let timer: NodeJS.Timeout | undefined;

  const lost = (session: pg.Client) => {
    if (client !== session) return;
    client = undefined;
    live = false;
    generation += 1;
    session.end().catch(() => undefined);
    if (closed) return;
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MS.max);
  };

  const connect = () => {
    const session = new pg.Client(pgClientConfig(target, options));
    client = session;
    session.on("notification", () => {
      generation += 1;
    });
    session.on("error", () => lost(session));
    session.on("end", () => lost(session));
    session
      .connect()
      .then(() => session.query(`LISTEN ${REVIEW_FLAGS_CHANNEL}`))
      .then(() => {
        if (client !== session) return;
        // Writes made while no one listened were not heard: answers cached before now are not trusted.
        generation += 1;
        live = true;
        retryMs = RETRY_MS.first;
        // An idle session must not keep a CLI run (or a stopping bot) alive.
        (
          session as unknown as { connection?: { stream?: { unref?: () => void } } }
        ).connection?.stream?.unref?.();
      })
      .catch(() => lost(session));
  };

  connect();
  return {
    get live() {
      return live;
    },
    get generation() {
      return generation;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const session = client;
      client = undefined;
      live = false;
      generation += 1;
      await session?.end().catch(() => undefined);
    },
  };
}
