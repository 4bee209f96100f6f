import { createHash } from "node:crypto";

/**
 * Advisory lock keys. PostgreSQL's two-key form `pg_try_advisory_lock(int4, int4)` is used: the first key
 * names what kind of lock it is (a constant per kind, so the bot's locks never collide with another
 * application's single-bigint keys on the same database, which live in a different key space — PostgreSQL
 * docs, "Advisory Locks" and pg_locks: two-key locks show objsubid 2, bigint ones objsubid 1), the second
 * is derived from a name by hashing, so every instance and every version derives the same key.
 * Keys stay non-negative so they read the same in pg_locks (whose classid/objid columns are unsigned oids).
 */
export const LOCK_KIND = {
  /** One per cron job name, held while that job runs. */
  job: 0x41_50_42_01,
  /** One per delivery partition (slot), held as long as this instance delivers that slot's workspaces. */
  partition: 0x41_50_42_02,
  /** One per instance for its lifetime: how many instances are alive (counted in pg_locks). */
  presence: 0x41_50_42_03,
  /** Creating the coordinator's table, once, while other instances may start at the same time. */
  schema: 0x41_50_42_04,
} as const;

/** A stable non-negative 31-bit integer for a name: the first four bytes of its SHA-256. */
export function nameKey(name: string): number {
  return createHash("sha256").update(name).digest().readUInt32BE(0) & 0x7f_ff_ff_ff;
}

/** The partition a workspace's deliveries belong to: stable across instances, restarts and versions. */
export function slotOf(teamId: string, slots: number): number {
  return nameKey(`team:${teamId}`) % slots;
}

/** How many partitions each of `instances` live instances may hold, so together they cover all `slots`. */
export function fairShare(slots: number, instances: number): number {
  return Math.ceil(slots / Math.max(1, instances));
}
