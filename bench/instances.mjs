// Several instances on one PostgreSQL (issue 9): three `node dist/main.js` processes, configured only through
// the environment as an operator runs them, share a fresh database and a loopback Slack (paced-slack.mjs)
// that enforces about 1 message/s per channel and a workspace-wide cap, answering 429 + Retry-After beyond.
//   1. Fan-out: one deadline announcement to 1,000 subscribed channels. The deadline job runs once across
//      the three (advisory lock per job and tick); the instance holding the workspace's delivery partition
//      delivers. Wall time from the first post's arrival to the last, against the floor the caps allow.
//   2. Failover: a second announcement to 300 more channels; the instance delivering is killed (-9) after a
//      third of them, and the new one after two thirds. Failover time: from the kill until a survivor's
//      next post arrives. Then: every channel has its message once (0 duplicates, 0 lost, both phases).
// Run `npm run build` first, then `node bench/instances.mjs`.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import {
  createBenchDatabase,
  fakeSlackInWorker,
  formatMetricRows,
  PRODUCTION_STORE,
  SIGNING_SECRET,
} from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const INSTANCES = 3;
const FANOUT_CHANNELS = Number(process.env.BENCH_INSTANCE_CHANNELS ?? 1000);
const FAILOVER_CHANNELS = Number(process.env.BENCH_FAILOVER_CHANNELS ?? 300);
const TEAM = "T0BENCH";
/**
 * The fake's workspace-wide cap: the bot's own default workspace pace (src/outbox DEFAULT_PACING, 10/s,
 * burst 5), which is what binds here; the fake allows a burst of 10, Slack's "short bursts".
 */
const CAP_PER_SECOND = 10;
const CAP_BURST = 10;
const CHANNEL_PER_SECOND = 1;

const channelIds = (from, count) =>
  Array.from({ length: count }, (_, i) => `C${String(from + i).padStart(6, "0")}`);

/** One `node dist/main.js`, its output kept for errors and for the start-up line. */
function spawnInstance(env, dir) {
  const child = spawn(process.execPath, [join(ROOT, "dist/main.js")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", PORT: "0", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  const exited = new Promise((r) => child.once("exit", r));
  return {
    child,
    exited,
    output: () => out,
    async started() {
      await until(
        "an instance started",
        () => /running on http/.test(out) || child.exitCode !== null,
        60_000,
      );
      if (child.exitCode !== null) throw new Error(`instance exited at start:\n${out}`);
    },
    kill: () => child.exitCode === null && child.kill("SIGKILL"),
  };
}

async function until(what, condition, ms) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The instance holding TEAM's delivery partition: its lock session's application_name names its pid. */
async function holderOf(url, instances, slot, partitionKind) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid::int8 = $1
          AND l.objid::int8 = $2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [partitionKind, slot],
    );
    const name = rows[0]?.application_name ?? "";
    return instances.find((b) => b.child.exitCode === null && name.endsWith(` pid ${b.child.pid}`));
  } finally {
    await client.end();
  }
}

export async function runInstancesBench() {
  const database = await createBenchDatabase("bench_instances");
  if (!database.url)
    return {
      rows: [],
      text: `Several instances on one PostgreSQL: not measured: ${database.skipped}. Set BENCH_DATABASE_URL (or TEST_DATABASE_URL).`,
    };
  const { openStore } = await load("store/index.js");
  const { DEFAULT_SLOTS, slotOf } = await load("coordination/index.js");
  const { addDays, calendarDate } = await load("announce/deadlines.js");
  const dir = mkdtempSync(join(tmpdir(), "ai-privacy-instances-"));
  const fake = await fakeSlackInWorker(new URL("./paced-slack.mjs", import.meta.url), {
    pacedSlack: {
      workspacePerSecond: CAP_PER_SECOND,
      workspaceBurst: CAP_BURST,
      channelPerSecond: CHANNEL_PER_SECOND,
      teamId: TEAM,
    },
  });
  const instances = [];
  try {
    const date = addDays(calendarDate(new Date(), "UTC"), 1);
    const overlay = join(dir, "overlay.yaml");
    const provider = (id, name) => `  - id: ${id}
    name: ${name}
    deadlines:
      - { id: ${id}-opt-out, date: ${date}, title: Opt-out closes }
`;
    writeFileSync(overlay, `providers:\n${provider("acme-ai", "Acme AI")}${provider("beta-ai", "Beta AI")}`);
    const store = await openStore(database.url, PRODUCTION_STORE);
    const subscribe = async (providerId, channels) => {
      await store.transaction(async (tx) => {
        for (const channelId of channels)
          await tx.subscriptions.upsert({
            teamId: TEAM,
            channelId,
            providerId,
            kinds: ["deadlines"],
            createdBy: "U0LEAD",
            now: new Date(),
          });
      });
    };
    const fanoutChannels = channelIds(0, FANOUT_CHANNELS);
    const failoverChannels = channelIds(FANOUT_CHANNELS, FAILOVER_CHANNELS);
    await subscribe("acme-ai", fanoutChannels);

    const env = {
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      DATABASE_URL: database.url,
      CATALOG_PATH: overlay,
      OUTBOX_CRON: "* * * * * *",
      DEADLINE_CHECK_CRON: "*/2 * * * * *",
      // Neither runs during the measurement: no policy pages, no reminders here.
      POLICY_CHECK_CRON: "0 0 1 1 *",
      REMINDER_CRON: "0 0 1 1 *",
      LOG_LEVEL: "info",
    };
    for (let i = 0; i < INSTANCES; i += 1) instances.push(spawnInstance(env, dir));
    await Promise.all(instances.map((b) => b.started()));
    const startedAt = Date.now();

    const report = () => fake.report();
    const arrivalsOf = (prefix, r) => r.arrivals.filter(([, key]) => key.startsWith(prefix));
    const deliveredOf = (prefix, r) => new Set(arrivalsOf(prefix, r).map(([, key]) => key)).size;

    // 1. Fan-out.
    const acme = "deadline:acme-ai/";
    await until(
      "the fan-out is delivered",
      async () => deliveredOf(acme, await report()) >= FANOUT_CHANNELS,
      60_000 + (FANOUT_CHANNELS / CAP_PER_SECOND) * 3000,
    );
    const afterFanout = await report();
    const fanoutTimes = arrivalsOf(acme, afterFanout).map(([at]) => at);
    const wallS = (Math.max(...fanoutTimes) - Math.min(...fanoutTimes)) / 1000;
    const firstPostS = (Math.min(...fanoutTimes) - startedAt) / 1000;
    const floorS = Math.max(0, FANOUT_CHANNELS - CAP_BURST) / CAP_PER_SECOND;
    const fanout429s = afterFanout.stats.rateLimited;

    // 2. Failover: kill the delivering instance after each third of the second announcement.
    const beta = "deadline:beta-ai/";
    await subscribe("beta-ai", failoverChannels);
    const slot = slotOf(TEAM, DEFAULT_SLOTS);
    const PARTITION = 0x41_50_42_02; // src/coordination/keys.ts, LOCK_KIND.partition
    const failovers = [];
    for (const third of [1, 2]) {
      await until(
        `${third} third(s) of the second announcement are delivered`,
        async () => deliveredOf(beta, await report()) >= Math.floor((FAILOVER_CHANNELS * third) / 3),
        120_000,
      );
      const victim = await holderOf(database.url, instances, slot, PARTITION);
      if (!victim) throw new Error(`no live instance holds ${TEAM}'s delivery partition`);
      const killedAt = Date.now();
      victim.kill();
      await victim.exited;
      // Posts the victim had on the wire arrive before its exit is seen; any later one is a survivor's.
      const exitedAt = Date.now();
      let next;
      await until(
        "a survivor delivers the next message",
        async () => {
          next = (await report()).arrivals.find(([at]) => at > exitedAt);
          return next !== undefined;
        },
        60_000,
      );
      failovers.push(+((next[0] - killedAt) / 1000).toFixed(2));
    }
    await until(
      "the second announcement is delivered",
      async () => deliveredOf(beta, await report()) >= FAILOVER_CHANNELS,
      120_000,
    );
    // A few more outbox and deadline ticks on the survivor: still one message per channel.
    await new Promise((r) => setTimeout(r, 3000));
    const final = await report();
    const keys = new Map(final.keys);
    const expected = [...fanoutChannels, ...failoverChannels].length;
    const delivered = deliveredOf(acme, final) + deliveredOf(beta, final);
    const duplicates = [...keys.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    await store.close();
    if (duplicates > 0) {
      // What a reader needs to find the cause: which messages, and what each instance said about the outbox.
      console.error(
        `duplicated keys: ${[...keys]
          .filter(([, c]) => c > 1)
          .map(([k]) => k)
          .join(", ")}`,
      );
      for (const b of instances)
        console.error(
          `instance pid ${b.child.pid}:\n${b
            .output()
            .split("\n")
            .filter((l) => /outbox|coordination/.test(l))
            .join("\n")}`,
        );
    }
    const rows = [
      { metric: "instances", value: INSTANCES, database: "one PostgreSQL database" },
      {
        metric: "fan-out delivered",
        value: deliveredOf(acme, afterFanout),
        of: FANOUT_CHANNELS,
        http429: fanout429s,
        firstPostAfterStartS: +firstPostS.toFixed(2),
      },
      {
        metric: "fan-out wall time, first post to last (s)",
        value: +wallS.toFixed(2),
        floor: +floorS.toFixed(2),
        caps: `${CAP_PER_SECOND}/s workspace (burst ${CAP_BURST}), ${CHANNEL_PER_SECOND}/s per channel`,
      },
      { metric: "fan-out wall time / floor", value: +(wallS / floorS).toFixed(3), target: "≤ 1.1" },
      {
        metric: "failover, kill -9 of the delivering instance → a survivor's next post (s)",
        "3→2 instances": failovers[0],
        "2→1": failovers[1],
        target: "< 15",
      },
      { metric: "delivered, both announcements", value: delivered, of: expected, lost: expected - delivered },
      { metric: "duplicates", value: duplicates, target: "= 0" },
      { metric: "429s received, in all", value: final.stats.rateLimited },
    ];
    const text = formatMetricRows(
      `Several instances (${INSTANCES} × node dist/main.js) on one PostgreSQL, one workspace`,
      rows,
    );
    return { rows, text };
  } catch (err) {
    for (const b of instances) console.error(b.output().slice(-4000));
    throw err;
  } finally {
    for (const b of instances) b.kill();
    await Promise.all(instances.map((b) => b.exited));
    await fake.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runInstancesBench();
  console.log(text);
}
