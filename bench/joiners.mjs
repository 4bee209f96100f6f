// New-joiners benchmark: a campaign for a 5,000-member channel, then 500 people join it over a day (and 75
// leave), simulated tick by tick on the bot's own clock: member_joined_channel / member_left_channel events
// signed and delivered over HTTP as Slack sends them (10 % retried with X-Slack-Retry-Num, 10 % never
// delivered so only the tick's re-read finds them, 25 out-of-order "late join after leave" pairs), the
// REMINDER_CRON job every 5 minutes (re-read + due reminders), and the production deliverer (default pacing)
// against a loopback Slack that enforces ~1 message/s per channel and a workspace cap (HTTP 429 beyond).
// Verified, not timed: every joiner asked once, each DM inside the person's working hours, 0 × 429, the
// busiest second per channel and per workspace against the limits, Slack reads per minute against their
// tiers. Run `npm run build` first, then `node bench/joiners.mjs`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatMetricRows, PRODUCTION_STORE, SIGNING_SECRET, signedHeaders } from "./lib.mjs";
import { fakeSlack } from "./reminders-fake-slack.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 5000);
const JOINERS = Number(process.env.BENCH_JOINERS ?? 500);
const LEAVERS = Math.round(MEMBERS / 100);
/** Slack: about 1 chat.postMessage per second per channel (shared/slack-reference.md). */
const CHANNEL_PER_SECOND = 1;
/** The fake's workspace-wide cap, as in the fan-out bench (Slack publishes no exact number). */
const WORKSPACE_PER_SECOND = 100;
/** conversations.members and users.info are Tier 4: 100+ calls a minute. */
const TIER4_PER_MINUTE = 100;
const TICK_MINUTES = 5;
const HOURS = 48;
const MINUTE = 60_000;
/** Monday 23 Nov 2026, 12:00 UTC: working hours for every member's zone, so their first DMs go out at once. */
const START = new Date("2026-11-23T12:00:00Z");
const MEMBER_ZONES = ["Europe/London", "Europe/Berlin", "UTC", "Africa/Lagos", "Europe/Athens"];
const JOINER_ZONES = [
  "Asia/Tokyo",
  "America/New_York",
  "Europe/Berlin",
  "Asia/Kolkata",
  "America/Los_Angeles",
  "Europe/London",
  "Australia/Sydney",
];

/** Deterministic pseudo-random numbers (mulberry32), so every run simulates the same day. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const userId = (i) => `U${String(i).padStart(8, "0")}`;
const eventTs = (date) =>
  `${Math.floor(date.getTime() / 1000)}.${String((date.getTime() % 1000) * 1000).padStart(6, "0")}`;

/** The day's membership changes, in time order: what Slack would send, and what its member list shows. */
function plan() {
  const rand = random(13);
  const day = 24 * 60 * MINUTE;
  const at = () => new Date(START.getTime() + 5 * MINUTE + Math.floor(rand() * (day - 5 * MINUTE)));
  const changes = [];
  for (let j = 0; j < JOINERS; j++) {
    const user = userId(MEMBERS + j);
    const when = at();
    const kind = j % 10 === 0 ? "retried" : j % 10 === 1 ? "missed" : "delivered";
    changes.push({ at: when, user, joined: true, kind });
    // A quarter of the "delivered" ones of one kind leave later; Slack then re-sends the older join.
    if (j % 20 === 2) {
      const leave = new Date(when.getTime() + 60 * MINUTE);
      changes.push({ at: leave, user, joined: false, kind: "delivered" });
      changes.push({ at: new Date(leave.getTime() + MINUTE), user, joined: true, kind: "stale", ts: when });
    }
  }
  for (let l = 0; l < LEAVERS; l++)
    changes.push({ at: at(), user: userId(l * 97), joined: false, kind: "delivered" });
  return changes.sort((a, b) => a.at - b.at);
}

export async function runJoinersBench() {
  const { createBot } = await load("app.js");
  const { buildDeps, makeLogger } = await load("wiring.js");
  const { parseConfig } = await load("config.js");
  const { openSqliteStore } = await load("store/index.js");
  const { loadCatalog } = await load("catalog/index.js");
  const { startCampaigns, reminderJob, inWorkingHours, campaignProgress } = await load("reminders/index.js");
  const { createDeliverer, createDeliveryClient, DEFAULT_PACING } = await load("outbox/index.js");

  const fake = fakeSlack({
    people: MEMBERS + JOINERS,
    zones: (i) =>
      i < MEMBERS ? MEMBER_ZONES[i % MEMBER_ZONES.length] : JOINER_ZONES[i % JOINER_ZONES.length],
    members: MEMBERS,
    // The campaign's first 5,000 DMs go out fast (the reminders bench measures those); then Slack's limits.
    postsPerSecond: 1000,
    perChannelPerSecond: CHANNEL_PER_SECOND,
  });
  await fake.start();
  const dir = mkdtempSync(join(tmpdir(), "joiners-bench-"));
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${fake.url}/api/`,
    DATABASE_URL: `sqlite:${join(dir, "bench.db")}`,
    LOG_LEVEL: "error",
  });
  const logger = makeLogger("error");
  const store = openSqliteStore(join(dir, "bench.db"), PRODUCTION_STORE);
  let now = START;
  const clock = () => now;
  const deps = await buildDeps(config, { store, logger, catalog: loadCatalog({}), now: clock });
  const app = createBot(deps, { processBeforeResponse: true, botIds: { botId: "BBOT", botUserId: "UBOT" } });
  const { port } = await app.start({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${port}/slack/events`;
  const client = createDeliveryClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL);

  // The campaign, and its first 5,000 DMs (not what this bench measures: delivered at the fake's full rate).
  const outcome = await startCampaigns(deps, {
    teamId: "T0BENCH",
    leadId: "U0LEAD",
    channelId: "C0ALL",
    audience: { users: [], channels: ["C0ALL"], usergroups: [] },
    providers: [deps.catalog.byId("claude")],
    by: "2026-12-31",
    now: START,
  });
  const first = createDeliverer({
    store,
    client,
    logger,
    now: clock,
    lingerMs: 0,
    pacing: { channel: { perSecond: 1, burst: 1 }, workspace: { perSecond: 900, burst: 50 } },
  });
  await first.drain();
  await first.stop();
  fake.limitWorkspace(WORKSPACE_PER_SECOND);
  const before = { ...fake.stats, postsTo: { ...fake.stats.postsTo } };

  // The simulated two days: events at their own instants, the reminder job every 5 minutes, then the
  // production deliverer (default pacing) for whatever came due.
  const deliverer = createDeliverer({ store, client, logger, now: clock, lingerMs: 0 });
  const job = reminderJob(deps);
  const changes = plan();
  let next = 0;
  let events = 0;
  const deliver = async (change, retryNum) => {
    const ts = change.ts ?? change.at;
    const body = JSON.stringify({
      token: "legacy",
      team_id: "T0BENCH",
      api_app_id: "A0APP",
      type: "event_callback",
      event_id: `Ev${change.user}${ts.getTime()}`,
      event_time: Math.floor(ts.getTime() / 1000),
      event: {
        type: change.joined ? "member_joined_channel" : "member_left_channel",
        user: change.user,
        channel: "C0ALL",
        channel_type: "C",
        team: "T0BENCH",
        event_ts: eventTs(ts),
      },
    });
    const headers = { ...signedHeaders(body), "content-type": "application/json" };
    if (retryNum)
      Object.assign(headers, {
        "x-slack-retry-num": String(retryNum),
        "x-slack-retry-reason": "http_timeout",
      });
    const res = await fetch(url, { method: "POST", headers, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`event answered ${res.status}`);
    events += 1;
  };
  const readsPerMinute = new Map();
  const t0 = performance.now();
  let deliverMs = 0;
  const end = START.getTime() + HOURS * 60 * MINUTE;
  for (let tick = START.getTime() + TICK_MINUTES * MINUTE; tick <= end; tick += TICK_MINUTES * MINUTE) {
    while (next < changes.length && changes[next].at.getTime() <= tick) {
      const change = changes[next++];
      now = change.at;
      if (change.kind !== "stale") (change.joined ? fake.join : fake.leave)(change.user);
      if (change.kind === "missed") continue;
      await deliver(change);
      if (change.kind === "retried") await deliver(change, 1);
    }
    now = new Date(tick);
    const calls = fake.stats.membersCalls + fake.stats.usersInfoCalls;
    await job.run();
    const minute = Math.floor(tick / MINUTE);
    readsPerMinute.set(
      minute,
      (readsPerMinute.get(minute) ?? 0) + fake.stats.membersCalls + fake.stats.usersInfoCalls - calls,
    );
    const d0 = performance.now();
    await deliverer.drain();
    deliverMs += performance.now() - d0;
  }
  const simulatedMs = performance.now() - t0;
  await deliverer.stop();

  // What Slack saw, and what the store says.
  const campaign = outcome.campaigns[0];
  const states = new Map((await store.reminders.statesForCampaign(campaign.id)).map((s) => [s.userId, s]));
  const joiners = Array.from({ length: JOINERS }, (_, j) => userId(MEMBERS + j));
  const leftAgain = new Set(changes.filter((c) => c.kind === "stale").map((c) => c.user));
  const dms = (id) => (fake.stats.postsTo[id] ?? 0) - (before.postsTo[id] ?? 0);
  const stayed = joiners.filter((id) => !leftAgain.has(id));
  const outsideHours = joiners.filter((id) => {
    const s = states.get(id);
    return s?.lastSentAt && !inWorkingHours(s.lastSentAt, s.tz ?? "UTC");
  });
  const resurrected = [...leftAgain].filter((id) => states.get(id)?.nextAt);
  const progress = await campaignProgress(store, deps.catalog, campaign, false);
  const dmsInWindow = fake.stats.posts - before.posts;
  const peakReads = Math.max(0, ...readsPerMinute.values());
  const rows = [
    {
      metric: `campaign for a ${MEMBERS.toLocaleString("en-US")}-member channel, ${JOINERS} joiners and ${LEAVERS + leftAgain.size} leavers over a day (${HOURS} h simulated, tick every ${TICK_MINUTES} min)`,
      events,
      asked: outcome.asked,
    },
    {
      metric: "joiners asked (each once, duplicates, retries and missed events included)",
      value: `${joiners.filter((id) => states.has(id)).length}/${JOINERS}`,
      target: `${JOINERS}/${JOINERS}`,
    },
    {
      metric: "joiners who stayed and got exactly one DM",
      value: `${stayed.filter((id) => dms(id) === 1).length}/${stayed.length}`,
      target: "all",
    },
    { metric: "DMs to one person, most", value: Math.max(0, ...joiners.map(dms)), target: "1" },
    { metric: "joiner DMs sent outside the person's working hours", value: outsideHours.length, target: "0" },
    { metric: "leavers brought back by a late, older join", value: resurrected.length, target: "0" },
    {
      metric: "lead's counts: joined since the start / left",
      value: `${progress.audience?.joined} / ${progress.audience?.left}`,
      target: `${JOINERS} / ${LEAVERS + leftAgain.size}`,
    },
    {
      metric: "HTTP 429 from the fake (1/s per channel, 100/s workspace)",
      value: fake.stats.rateLimited - before.rateLimited,
      target: "0",
    },
    {
      metric: "busiest second, one channel: posts / Slack's ~1 per second",
      value: `${fake.stats.peakChannelPerSecond} (${(fake.stats.peakChannelPerSecond / CHANNEL_PER_SECOND).toFixed(2)}×)`,
      target: "≤ 1×",
    },
    {
      metric: `busiest second, workspace: posts / the fake's ${WORKSPACE_PER_SECOND}/s cap (the deliverer paces ${DEFAULT_PACING.workspace.perSecond}/s)`,
      value: `${fake.stats.peakWorkspacePerSecond} (${(fake.stats.peakWorkspacePerSecond / WORKSPACE_PER_SECOND).toFixed(2)}×)`,
      target: "≤ 1×",
    },
    {
      metric:
        "Slack reads (conversations.members pages + users.info), busiest simulated minute / Tier 4's 100",
      value: `${peakReads} (${(peakReads / TIER4_PER_MINUTE).toFixed(2)}×)`,
      target: "≤ 1×",
    },
    {
      metric: "wall time: simulation / of which delivering",
      value: `${(simulatedMs / 1000).toFixed(1)} s / ${(deliverMs / 1000).toFixed(1)} s`,
      dmsSent: dmsInWindow,
    },
  ];
  await app.stop();
  await store.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
  return { rows, text: formatMetricRows("New joiners", rows) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { text } = await runJoinersBench();
  console.log(text);
}
