// Escalation benchmark: the escalation job (ESCALATE_DAYS before a deadline, one DM per campaign lead
// listing who has not answered) over 50 open campaigns of 100 people each, on SQLite. Budget: one run
// < 1 s. Baseline, same run: the reads the job cannot avoid (the open campaigns and every person's state).
// Also the run after that (every campaign decided: what each later REMINDER_CRON tick costs) and one lead's
// "Nudge them now" for 100 people. Run `npm run build` first, then `node bench/escalation.mjs`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatMetricRows } from "./lib.mjs";

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

export async function runEscalationBench() {
  const { parseConfig } = await load("config.js");
  const { openSqliteStore } = await load("store/index.js");
  const { loadCatalog } = await load("catalog/index.js");
  const { runEscalations, nudgeUnanswered } = await load("reminders/index.js");
  const catalog = loadCatalog({});
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5",
    DATABASE_URL: "sqlite::memory:",
    LOG_LEVEL: "error",
  });
  const first = [];
  const again = [];
  const reads = [];
  const nudges = [];
  let sent = 0;
  let nudged = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const dir = mkdtempSync(join(tmpdir(), "escalation-bench-"));
    const store = openSqliteStore(join(dir, "bench.db"));
    await seed(store, round);
    const deps = { store, catalog, config };
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
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = [
    {
      metric: `escalation job, ${CAMPAIGNS} campaigns × ${PEOPLE} people, first run (median of ${ROUNDS})`,
      ms: +median(first).toFixed(1),
      max: +Math.max(...first).toFixed(1),
      budget: "< 1000 ms",
      dms: sent,
    },
    { metric: "baseline: reading the open campaigns and every state", ms: +median(reads).toFixed(1) },
    { metric: "first run / baseline", value: +(median(first) / median(reads)).toFixed(2) },
    { metric: "each later run (every campaign decided)", ms: +median(again).toFixed(1) },
    { metric: `Nudge them now, one campaign (${nudged} people)`, ms: +median(nudges).toFixed(1) },
  ];
  return { rows, text: formatMetricRows("Escalation (SQLite)", rows) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runEscalationBench();
  console.log(text);
}
