// Escalation benchmark: the escalation job (ESCALATE_DAYS before a deadline, one DM per campaign lead
// listing who has not answered) over 50 open campaigns of 100 people each, on SQLite (and PostgreSQL when
// BENCH_DATABASE_URL is set). Budget: one run
// < 1 s. Baseline, same run: the reads the job cannot avoid (the open campaigns and every person's state).
// Also the run after that (every campaign decided: what each later REMINDER_CRON tick costs) and one lead's
// "Nudge them now" for 100 people. Run `npm run build` first, then `node bench/escalation.mjs`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatMetricRows, PRODUCTION_STORE } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 50);
const PEOPLE = Number(process.env.BENCH_CAMPAIGN_PEOPLE ?? 100);
const ROUNDS = 5;
// Campaigns start Tue 1 Dec 2026 with a deadline of Fri 18 Dec; Tue 15 Dec 10:00 UTC is their escalation day.
const CREATED = new Date("2026-12-01T09:00:00Z");
const NOW = new Date("2026-12-15T10:00:00Z");

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const time = async (fn) => {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
};

/** A fresh database with the campaigns: one lead each, PEOPLE people, a third of them answered. */
async function seed(store, round) {
  const teamId = `T0BENCH${round}`;
  for (let c = 0; c < CAMPAIGNS; c += 1) {
    const campaign = await store.reminders.createCampaign({
      teamId,
      leadId: `U0LEAD${c}`,
      channelId: "C0ALL",
      providerId: "claude",
      deadline: "2026-12-18",
      now: CREATED,
    });
    const people = Array.from({ length: PEOPLE }, (_, i) => ({
      userId: `U${round}C${c}P${i}`,
      tz: "Europe/Berlin",
      nextAt: new Date("2026-12-22T08:30:00Z"),
    }));
    await store.reminders.addPeople(campaign.id, people, CREATED);
    const states = await store.reminders.statesForCampaign(campaign.id);
    await store.transaction(async (tx) => {
      for (const s of states.filter((_, i) => i % 3 === 0))
        await tx.reminders.transition(
          s.id,
          "pending",
          { state: "done", answeredAt: CREATED, nextAt: null },
          CREATED,
        );
    });
  }
}

/** A fresh PostgreSQL schema in BENCH_DATABASE_URL's database, for one round. */
async function pgSchema(base) {
  const { default: pg } = await import("pg");
  const schema = `esc_bench_${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** ROUNDS fresh databases of one kind: the job's first run, the bare reads, a later run, one nudge. */
async function measure(kind, open, deps0) {
  const { runEscalations, nudgeUnanswered } = await load("reminders/index.js");
  const first = [];
  const again = [];
  const reads = [];
  const nudges = [];
  let sent = 0;
  let nudged = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const { store, close } = await open();
    await seed(store, round);
    const deps = { ...deps0, store };
    reads.push(
      (
        await time(async () => {
          for (const c of await store.reminders.listCampaigns({ status: "open" }))
            await store.reminders.statesForCampaign(c.id);
        })
      ).ms,
    );
    const run = await time(() => runEscalations(deps, NOW));
    first.push(run.ms);
    sent = run.result;
    again.push((await time(() => runEscalations(deps, new Date(NOW.getTime() + 300_000)))).ms);
    const [campaign] = await store.reminders.listCampaigns({ status: "open" });
    const nudge = await time(() =>
      nudgeUnanswered(deps, {
        campaignId: campaign.id,
        actorId: campaign.leadId,
        teamId: campaign.teamId,
        now: NOW,
      }),
    );
    nudges.push(nudge.ms);
    nudged = nudge.result.now + nudge.result.later;
    await close();
  }
  return [
    {
      metric: `${kind}: escalation job, ${CAMPAIGNS} campaigns × ${PEOPLE} people, first run (median of ${ROUNDS})`,
      ms: +median(first).toFixed(1),
      max: +Math.max(...first).toFixed(1),
      budget: "< 1000 ms",
      dms: sent,
    },
    {
      metric: `${kind}: baseline, reading the open campaigns and every state`,
      ms: +median(reads).toFixed(1),
    },
    { metric: `${kind}: first run / baseline`, value: +(median(first) / median(reads)).toFixed(2) },
    { metric: `${kind}: each later run (every campaign decided)`, ms: +median(again).toFixed(1) },
    { metric: `${kind}: Nudge them now, one campaign (${nudged} people)`, ms: +median(nudges).toFixed(1) },
  ];
}

export async function runEscalationBench() {
  const { parseConfig } = await load("config.js");
  const { openSqliteStore, openKyselyStore } = await load("store/index.js");
  const { loadCatalog } = await load("catalog/index.js");
  const catalog = loadCatalog({});
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5",
    DATABASE_URL: "sqlite::memory:",
    LOG_LEVEL: "error",
  });
  const deps = { catalog, config };
  const rows = await measure(
    "SQLite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "escalation-bench-"));
      const store = openSqliteStore(join(dir, "bench.db"), PRODUCTION_STORE);
      return {
        store,
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    deps,
  );
  // PostgreSQL when BENCH_DATABASE_URL names a database to create schemas in (e.g. the test database).
  const pgBase = process.env.BENCH_DATABASE_URL?.trim();
  if (pgBase)
    rows.push(
      ...(await measure(
        "PostgreSQL",
        async () => {
          const schema = await pgSchema(pgBase);
          const store = await openKyselyStore(schema.url, { ...PRODUCTION_STORE, postgres: { poolSize: 4 } });
          return {
            store,
            close: async () => {
              await store.close();
              await schema.drop();
            },
          };
        },
        deps,
      )),
    );
  else rows.push({ metric: "PostgreSQL: not measured (set BENCH_DATABASE_URL=postgres://… to include it)" });
  return { rows, text: formatMetricRows("Escalation", rows) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runEscalationBench();
  console.log(text);
}
