import { randomInt } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "@slack/logger";
import type pg from "pg";
import { openPgLockClient } from "../store/index.js";
import { fairShare, LOCK_KIND, nameKey } from "./keys.js";
import { PartitionTable } from "./partitions.js";
import { type Coordinator, isLeadershipLost, LeadershipLost, type Leads } from "./types.js";

/**
 * Coordination of several instances through PostgreSQL advisory locks.
 *
 * Why session-level locks on one dedicated connection (not `pg_try_advisory_xact_lock` in a transaction):
 * PostgreSQL docs, "Advisory Locks" (§13.3.5): a session-level advisory lock "is held until explicitly
 * released or the session ends", and does not follow transaction semantics. Delivery partitions must be
 * held across many outbox ticks, which only a session lock can do; a transaction held open for a whole
 * policy check would pin a pooled connection and trip `idle_in_transaction_session_timeout`. With every
 * lock on one session, one fact decides everything: while the session lives this instance holds its
 * locks; when the process is killed its socket closes, the server ends the session and frees every lock
 * at once, so survivors take over at their next poll. When the session is lost on our side (error, end,
 * a poll that gets no answer) this instance holds nothing from that moment: no new job starts, no new
 * post goes out, and it reconnects with a fresh session that first terminates the old one (a half-open
 * socket would otherwise keep the old locks until the server's TCP keepalive notices). A job running
 * under a lock of the lost session learns it through its AbortSignal (reason LeadershipLost) at once,
 * and stops before its next write: by then another instance may already have taken the job.
 *
 * Leases: a session can die on the server while this process has not heard yet (a network partition
 * between this instance and PostgreSQL, the session terminated by an administrator). So this instance
 * trusts its partitions only for `2 × pollMs` after the last round trip that proved its session alive,
 * and an instance takes a free partition only after seeing it free for `3 × pollMs`: by then a holder cut
 * off from PostgreSQL has stopped posting on its own. (A post already in flight cannot be recalled; its
 * row stays `sending` and the successor checks the channel's history before re-posting it.)
 *
 * Ticks: the lock alone cannot stop an instance whose timer fires late (clock skew, a stalled event loop)
 * from running a tick the holder already finished, so the last finished tick per job is recorded in
 * `coordination_ticks` and a run for a tick at or before it is skipped.
 */
export interface PostgresCoordinatorOptions {
  connectionString: string;
  logger: Logger;
  /** Delivery partitions: workspaces are hashed into this many slots. */
  slots?: number;
  /**
   * How often partitions are re-balanced and free ones taken. A dead holder's work resumes within about
   * 4 × pollMs (seen free for 3 × pollMs, then taken at the next poll).
   */
  pollMs?: number;
  /** A query on the lock session without an answer in this time counts as a lost session. */
  queryTimeoutMs?: number;
  /** Names this instance's lock session in pg_stat_activity (default: host name and process id). */
  instanceName?: string;
  /** Called after this instance took partitions (e.g. drain the outbox now, not at the next tick). */
  onPartitionsTaken?: () => void;
}

export const DEFAULT_SLOTS = 32;
export const DEFAULT_POLL_MS = 2_000;

interface Session {
  client: pg.Client;
  pid: number;
  /** Aborted when this session is lost: every job run under its locks stops leading. */
  leading: AbortController;
}

export function createPostgresCoordinator(options: PostgresCoordinatorOptions): Coordinator {
  const { logger } = options;
  const slots = options.slots ?? DEFAULT_SLOTS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const timeoutMs = options.queryTimeoutMs ?? 5_000;
  const partitions = new PartitionTable(slots, Date.now, true);
  const trustMs = 2 * pollMs;
  const handoverMs = 3 * pollMs;
  /** When each slot was first seen free (and not held here) in an unbroken run of polls. */
  const freeSince = new Map<number, number>();
  /** Jobs running here, with the session whose lock they run under. */
  const running = new Map<string, Session>();
  const lastRuns: Record<string, string> = {};
  let session: Session | undefined;
  let connecting: Promise<void> | undefined;
  let previousPid: number | undefined;
  let instances = 1;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  let lastProblem: string | undefined;
  const offset = randomInt(slots);
  // application_name is cut at 63 bytes by the server (NAMEDATALEN); keep it within that.
  const appName = `ai-privacy-bot ${options.instanceName ?? `${hostname()} pid ${process.pid}`}`.slice(0, 63);

  function lose(s: Session, reason: string): void {
    if (session !== s) return;
    session = undefined;
    const held = partitions.count;
    partitions.dropAll();
    s.leading.abort(new LeadershipLost(reason));
    s.client.end().catch(() => undefined);
    const stopping = [...running].filter(([, on]) => on === s).map(([job]) => job);
    if (!closing)
      logger.warn(
        `coordination: lost the PostgreSQL lock session (${reason}); leading nothing (${held} partition(s) dropped${stopping.length ? `, ${stopping.join(", ")} told to stop` : ""}) until it reconnects`,
      );
  }

  async function query<R extends pg.QueryResultRow>(s: Session, text: string, values: unknown[] = []) {
    try {
      return await s.client.query<R>(text, values);
    } catch (err) {
      // A statement error on a healthy session (none are expected) and a dead one look alike from here:
      // either way this session can no longer be trusted to hold anything.
      lose(s, (err as Error).message);
      throw err;
    }
  }

  async function connect(): Promise<void> {
    // The store's one opener for lock sessions: the same host, credentials and TLS as the pool, with
    // TCP keepalive so a dead peer is noticed without waiting for a query.
    const client = await openPgLockClient(
      options.connectionString,
      { postgres: { connectTimeoutMs: timeoutMs } },
      { applicationName: appName, queryTimeoutMs: timeoutMs, keepAliveInitialDelayMs: 5_000 },
    );
    const s: Session = { client, pid: 0, leading: new AbortController() };
    client.on("error", (err) => lose(s, err.message));
    client.on("end", () => lose(s, "connection closed"));
    if (closing) {
      await client.end().catch(() => undefined);
      return;
    }
    session = s;
    s.pid = (await query<{ pid: number }>(s, "SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    if (previousPid !== undefined) {
      // Our old session may still be alive on the server behind a half-open socket: end it, freeing its locks.
      await query(
        s,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND application_name = $2",
        [previousPid, appName],
      );
    }
    previousPid = s.pid;
    await query(s, "BEGIN");
    await query(s, "SELECT pg_advisory_xact_lock($1, 0)", [LOCK_KIND.schema]);
    await query(
      s,
      "CREATE TABLE IF NOT EXISTS coordination_ticks (job text PRIMARY KEY, tick timestamptz NOT NULL, finished_at timestamptz NOT NULL)",
    );
    await query(s, "COMMIT");
    for (;;) {
      const rows = await query<{ ok: boolean }>(s, "SELECT pg_try_advisory_lock($1, $2) AS ok", [
        LOCK_KIND.presence,
        randomInt(0x7f_ff_ff_ff),
      ]);
      if (rows.rows[0]?.ok) break;
    }
    if (lastProblem) logger.info("coordination: PostgreSQL lock session is back");
    lastProblem = undefined;
  }

  async function rebalance(s: Session): Promise<void> {
    const askedAt = Date.now();
    const locks = await query<{ kind: string; key: string; pid: number }>(
      s,
      `SELECT classid::int8 AS kind, objid::int8 AS key, pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::int8 IN ($1, $2)
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [LOCK_KIND.presence, LOCK_KIND.partition],
    );
    const alive = new Set<number>();
    const taken = new Set<number>();
    const mine = new Set<number>();
    for (const row of locks.rows) {
      if (Number(row.kind) === LOCK_KIND.presence) alive.add(row.pid);
      else if (row.pid === s.pid) mine.add(Number(row.key));
      else taken.add(Number(row.key));
    }
    // The answer proves the session (and so every lock in `mine`) was alive when the question was sent.
    partitions.trustUntil(askedAt + trustMs);
    instances = Math.max(1, alive.size);
    for (const slot of partitions.heldSlots()) if (!mine.has(slot)) partitions.forget(slot);
    for (let slot = 0; slot < slots; slot++) {
      if (taken.has(slot) || mine.has(slot)) freeSince.delete(slot);
      else if (!freeSince.has(slot)) freeSince.set(slot, askedAt);
    }
    const share = fairShare(slots, instances);
    const before = partitions.count;
    let gained = 0;
    for (let i = 0; i < slots && partitions.count < share; i++) {
      const slot = (offset + i) % slots;
      const since = freeSince.get(slot);
      if (since === undefined || askedAt - since < handoverMs || partitions.has(slot)) continue;
      const got = await query<{ ok: boolean }>(s, "SELECT pg_try_advisory_lock($1, $2) AS ok", [
        LOCK_KIND.partition,
        slot,
      ]);
      if (session !== s) return;
      if (got.rows[0]?.ok) {
        freeSince.delete(slot);
        partitions.take(slot);
        gained += 1;
      }
    }
    // More than a fair share (another instance joined): hand back idle slots for it to take.
    const excess = partitions.count - share;
    for (const slot of excess > 0 ? partitions.idleSlots().slice(0, excess) : []) {
      await partitions.drainSlot(slot);
      await query(s, "SELECT pg_advisory_unlock($1, $2)", [LOCK_KIND.partition, slot]);
      partitions.forget(slot);
    }
    if (partitions.count !== before)
      logger.info(
        `coordination: delivering ${partitions.count} of ${slots} partitions (${instances} instance(s) alive)`,
      );
    if (gained) options.onPartitionsTaken?.();
  }

  async function poll(): Promise<void> {
    try {
      if (!session) {
        connecting ??= connect().finally(() => {
          connecting = undefined;
        });
        await connecting;
      }
      if (session) await rebalance(session);
    } catch (err) {
      const problem = (err as Error).message;
      if (problem !== lastProblem && !closing)
        logger.warn(`coordination: cannot reach PostgreSQL for locks (${problem}); retrying`);
      lastProblem = problem;
    }
  }

  function schedule(): void {
    if (closing) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    mode: "postgres",
    partitions,
    async exclusive(job, tick, run) {
      const s = session;
      if (!s) {
        logger.debug(`job ${job}: no PostgreSQL lock session; skipping this tick`);
        return "skipped";
      }
      const key = nameKey(job);
      let got = false;
      try {
        got = Boolean(
          (await query<{ ok: boolean }>(s, "SELECT pg_try_advisory_lock($1, $2) AS ok", [LOCK_KIND.job, key]))
            .rows[0]?.ok,
        );
      } catch {
        return "skipped";
      }
      if (!got) {
        logger.debug(`job ${job}: another instance is running it; skipping this tick`);
        return "skipped";
      }
      try {
        if (tick) {
          const done = await query<{ tick: Date }>(s, "SELECT tick FROM coordination_ticks WHERE job = $1", [
            job,
          ]);
          const last = done.rows[0]?.tick;
          if (last && last.getTime() >= tick.getTime()) {
            logger.debug(`job ${job}: tick ${tick.toISOString()} already done by another instance; skipping`);
            return "skipped";
          }
        }
        running.set(job, s);
        try {
          await run(s.leading.signal);
        } catch (err) {
          if (!isLeadershipLost(err) || !s.leading.signal.aborted) throw err;
        }
        if (s.leading.signal.aborted) {
          logger.warn(`job ${job}: stopped, ${(s.leading.signal.reason as LeadershipLost).message}`);
          return "lost";
        }
        if (tick) {
          lastRuns[job] = tick.toISOString();
          if (session === s)
            await query(
              s,
              `INSERT INTO coordination_ticks (job, tick, finished_at) VALUES ($1, $2, now())
               ON CONFLICT (job) DO UPDATE SET tick = GREATEST(coordination_ticks.tick, EXCLUDED.tick), finished_at = now()`,
              [job, tick],
            );
        }
        return "ran";
      } finally {
        running.delete(job);
        if (session === s)
          await query(s, "SELECT pg_advisory_unlock($1, $2)", [LOCK_KIND.job, key]).catch(() => undefined);
      }
    },
    leads(): Leads {
      return {
        mode: "postgres",
        lockSession: session !== undefined,
        jobs: [...running].filter(([, s]) => s === session && !s.leading.signal.aborted).map(([job]) => job),
        lastRuns: { ...lastRuns },
        partitions: partitions.count,
        partitionsTotal: slots,
        instances,
      };
    },
    async start() {
      await poll();
      schedule();
    },
    async close() {
      closing = true;
      clearTimeout(timer);
      await connecting?.catch(() => undefined);
      for (const slot of partitions.heldSlots()) await partitions.drainSlot(slot);
      const s = session;
      partitions.dropAll();
      session = undefined;
      // Ending the session releases every lock it holds (PostgreSQL docs, "Advisory Locks").
      await s?.client.end().catch(() => undefined);
    },
  };
}
