import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Coordinator,
  createPostgresCoordinator,
  isLeadershipLost,
  slotOf,
  whileLeading,
} from "../../src/coordination/index.js";
import { openKyselyStore } from "../../src/store/index.js";
import { quietLogger } from "../announce/helpers.js";
import { createTestDatabase, noticeSkippedWithoutPostgres, TEST_DATABASE_URL } from "../support/postgres.js";

noticeSkippedWithoutPostgres("coordination tests on PostgreSQL");

const SLOTS = 8;
/** One workspace id per partition, so `claim` shows exactly which partitions a coordinator delivers. */
const TEAMS: string[] = [];
for (let i = 0; TEAMS.length < SLOTS; i++) {
  const team = `T${i.toString(36).toUpperCase().padStart(6, "0")}`;
  if (!TEAMS.some((t) => slotOf(t, SLOTS) === slotOf(team, SLOTS))) TEAMS.push(team);
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!TEST_DATABASE_URL)("PostgreSQL coordinator", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: pg.Client;
  const made: Coordinator[] = [];
  beforeAll(async () => {
    db = await createTestDatabase("coord_unit");
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  function coordinator(name: string): Coordinator {
    const c = createPostgresCoordinator({
      connectionString: db.url,
      logger: quietLogger(),
      pollMs: 50,
      slots: SLOTS,
      instanceName: `test ${name}`,
    });
    made.push(c);
    return c;
  }
  const delivers = (c: Coordinator) => new Set(c.partitions.claim(TEAMS).deliver);
  /** Ends every PostgreSQL session of this coordinator (as a crash or an administrator would). */
  const killSessions = (name: string) =>
    admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
      `ai-privacy-bot test ${name}`,
    ]);

  it("runs a job on one instance per tick: the other skips, also when it wakes after the run", async () => {
    const a = coordinator("jobs-a");
    const b = coordinator("jobs-b");
    await Promise.all([a.start(), b.start()]);
    const tick = new Date("2026-12-02T09:00:00Z");
    let finish!: () => void;
    const first = a.exclusive("policy-check", tick, () => new Promise<void>((r) => (finish = r)));
    await until("a runs the job", () => a.leads().jobs.includes("policy-check"));
    let ranOnB = 0;
    const onB = async () => {
      ranOnB += 1;
    };
    expect(await b.exclusive("policy-check", tick, onB)).toBe("skipped");
    // Another job is not held up by this one.
    expect(await b.exclusive("housekeeping", tick, onB)).toBe("ran");
    finish();
    expect(await first).toBe("ran");
    // b's timer fires late for the same tick: already done.
    expect(await b.exclusive("policy-check", tick, onB)).toBe("skipped");
    expect(await a.exclusive("policy-check", tick, onB)).toBe("skipped");
    expect(ranOnB).toBe(1);
    expect(await b.exclusive("policy-check", new Date("2026-12-02T15:00:00Z"), onB)).toBe("ran");
    expect(ranOnB).toBe(2);
    expect(b.leads().lastRuns["policy-check"]).toBe("2026-12-02T15:00:00.000Z");
  });

  it("hands a job to another instance when the holder's session is killed mid-run", async () => {
    const a = coordinator("takeover-a");
    const b = coordinator("takeover-b");
    await Promise.all([a.start(), b.start()]);
    let finish!: () => void;
    let signal: AbortSignal | undefined;
    const stuck = a.exclusive("announcements", null, (s) => {
      signal = s;
      return new Promise<void>((r) => (finish = r));
    });
    await until("a runs the job", () => a.leads().jobs.includes("announcements"));
    expect(signal?.aborted).toBe(false);
    expect(await b.exclusive("announcements", null, async () => {})).toBe("skipped");
    await killSessions("takeover-a");
    await until("a knows it lost its session", () => !a.leads().lockSession);
    // The run is still going, but a no longer leads it (/healthz's leads) and the run has been told.
    expect(signal?.aborted).toBe(true);
    expect(isLeadershipLost(signal?.reason)).toBe(true);
    expect(a.leads().jobs).toEqual([]);
    expect(await b.exclusive("announcements", null, async () => {})).toBe("ran");
    finish();
    expect(await stuck).toBe("lost");
  });

  it("a job whose lock session dies mid-run writes nothing more and its tick stays undone", async () => {
    const store = await openKyselyStore(db.url, { postgres: { poolSize: 2 } });
    try {
      const a = coordinator("lost-a");
      await a.start();
      const tick = new Date("2026-12-02T10:00:00Z");
      let writes = 0;
      let refused: unknown;
      const run = a.exclusive("reminders", tick, async (signal) => {
        const led = whileLeading(store, signal);
        for (;;) {
          await led.kv.set("lock-loss", writes, new Date()).catch((err: unknown) => {
            refused = err;
            throw err;
          });
          writes += 1;
          await new Promise((r) => setTimeout(r, 5));
        }
      });
      await until("the job writes", () => writes >= 3);
      await killSessions("lost-a");
      expect(await run).toBe("lost");
      expect(isLeadershipLost(refused)).toBe(true);
      // The last value stored is the last write that was let through: none came after the refusal.
      expect(await store.kv.get("lock-loss")).toBe(writes - 1);
      await expect(whileLeading(store, AbortSignal.abort(refused)).transaction(async () => 1)).rejects.toBe(
        refused,
      );
      expect(a.leads().jobs).toEqual([]);
      // The tick was not recorded as done: the instance that takes over runs it.
      const b = coordinator("lost-b");
      await b.start();
      expect(await b.exclusive("reminders", tick, async () => {})).toBe("ran");
    } finally {
      await store.close();
    }
  });

  it("splits the partitions between instances, each held by exactly one", async () => {
    const a = coordinator("split-a");
    await a.start();
    await until("a alone holds every partition", () => a.leads().partitions === SLOTS);
    expect(delivers(a)).toEqual(new Set(TEAMS));
    expect(a.partitions.claim(TEAMS).recover).toEqual(TEAMS);
    const b = coordinator("split-b");
    await b.start();
    await until("they hold half each", () => a.leads().partitions === 4 && b.leads().partitions === 4);
    expect(b.leads().instances).toBe(2);
    const [onA, onB] = [delivers(a), delivers(b)];
    expect([...onA].filter((t) => onB.has(t))).toEqual([]);
    expect(new Set([...onA, ...onB])).toEqual(new Set(TEAMS));
    // A partition b just took must be recovered before anything is posted on it.
    const team = [...onB][0]!;
    expect(b.partitions.claim([team]).recover).toEqual([team]);
    expect(b.partitions.enter(team)).toBe(false);
    b.partitions.markRecovered([team]);
    expect(b.partitions.enter(team)).toBe(true);
    b.partitions.leave(team);
  });

  it("a killed holder holds nothing at once; the survivor takes over; never two holders", async () => {
    const a = coordinator("fail-a");
    const b = coordinator("fail-b");
    await a.start();
    await until("a holds every partition", () => a.leads().partitions === SLOTS);
    await b.start();
    await until("they hold half each", () => a.leads().partitions === 4 && b.leads().partitions === 4);
    for (const c of [a, b]) c.partitions.markRecovered(c.partitions.claim(TEAMS).recover);

    // Sampled throughout: no workspace is ever deliverable on both instances.
    let overlaps = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      samples += 1;
      const onB = delivers(b);
      for (const t of delivers(a)) if (onB.has(t)) overlaps += 1;
    }, 2);
    try {
      const held = [...delivers(a)];
      await killSessions("fail-a");
      // Checked in the same turn as the session is seen lost: it leads nothing from that moment.
      await until("a sees its session end", () => {
        const { lockSession, partitions } = a.leads();
        return !lockSession && (partitions === 0 || expect.fail(`a still holds ${partitions} partitions`));
      });
      // a's database connection keeps dying (its host cut off): every session it opens is ended.
      let cutOff = true;
      const killer = (async () => {
        while (cutOff) {
          await killSessions("fail-a");
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await until("a holds nothing", () => a.leads().partitions === 0 && delivers(a).size === 0);
      expect(held.every((t) => !a.partitions.enter(t))).toBe(true);
      await until("b took every partition", () => b.leads().partitions === SLOTS);
      expect(delivers(b)).toEqual(new Set(TEAMS));
      // What b took over is recovered first (rows a left in `sending` go through the history check).
      expect(new Set(b.partitions.claim(TEAMS).recover)).toEqual(new Set(held));
      cutOff = false;
      await killer;
      await until("a is back with its share", () => a.leads().partitions === 4 && b.leads().partitions === 4);
    } finally {
      clearInterval(sampler);
    }
    expect(samples).toBeGreaterThan(0);
    expect(overlaps).toBe(0);
    // And the database agrees: each partition lock has one holder.
    const rows = await admin.query(
      "SELECT objid, count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid::int8 = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY objid",
      [0x41_50_42_02],
    );
    expect(rows.rows.length).toBe(SLOTS);
    expect(rows.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
  });

  it("releases everything on close, so another instance takes it", async () => {
    const a = coordinator("close-a");
    const b = coordinator("close-b");
    await a.start();
    await until("a holds every partition", () => a.leads().partitions === SLOTS);
    await b.start();
    await until("split", () => b.leads().partitions === 4);
    await a.close();
    await until("b holds every partition", () => b.leads().partitions === SLOTS);
  });
});
