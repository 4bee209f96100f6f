// `/ai-privacy <provider>` over signed HTTP: our bot on SQLite and on PostgreSQL against a bare Bolt app that
// only acks, same run.
import { fileURLToPath } from "node:url";
import bolt from "@slack/bolt";
import {
  createBenchDatabase,
  load,
  loadSamples,
  PRODUCTION_STORE,
  SIGNING_SECRET,
  serveChild,
  signedHeaders,
  slashBody,
  startServerChild,
  summarise,
  table,
} from "./lib.mjs";

const SCRIPT = fileURLToPath(import.meta.url);
const BOT_IDS = { botId: "B0BENCH", botUserId: "U0BOT" };

/**
 * The bot's own dependencies, offline: a Web API URL nobody answers (none is called) and an in-memory SQLite
 * store, or the PostgreSQL database `databaseUrl` names (migrated on open, default pool, as in production).
 */
async function benchDeps(databaseUrl) {
  const { parseConfig } = await import("../dist/config.js");
  const { buildDeps, makeLogger } = await import("../dist/wiring.js");
  const { openSqliteStore, openStore } = await import("../dist/store/index.js");
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: "http://127.0.0.1:9/api/",
    LOG_LEVEL: "error",
    NODE_ENV: "production",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const store = databaseUrl
    ? await openStore(databaseUrl, PRODUCTION_STORE)
    : openSqliteStore(":memory:", PRODUCTION_STORE);
  return buildDeps(config, { store, logger: makeLogger("error") });
}

/** A bare Bolt app whose only listener acks `/ai-privacy` with `body` (nothing, or a fixed answer). */
async function serveBare(body) {
  const app = new bolt.App({
    token: "xoxb-bench",
    signingSecret: SIGNING_SECRET,
    ...BOT_IDS,
    logLevel: bolt.LogLevel.ERROR,
  });
  app.command("/ai-privacy", async ({ ack }) => {
    await ack(body);
  });
  const server = await app.start({ port: 0, host: "127.0.0.1" });
  serveChild(server.address().port);
}

/** The same bare app acking an already-rendered answer: isolates the cost of sending the reply. */
async function serveBareWithReply() {
  const { handleCommand, parseCommand } = await import("../dist/commands/index.js");
  const request = { teamId: "T0BENCH", userId: "U0BENCH", channelId: "C0BENCH", now: new Date() };
  const reply = await handleCommand(parseCommand("claude"), request, await benchDeps());
  await serveBare({ response_type: reply.responseType, text: reply.text, blocks: reply.blocks });
}

async function serveBot(databaseUrl) {
  const { createBot } = await import("../dist/app.js");
  const bot = createBot(await benchDeps(databaseUrl), { botIds: BOT_IDS });
  const { port } = await bot.start({ port: 0, host: "127.0.0.1" });
  serveChild(port);
}

/**
 * The apps run side by side in their own processes and are measured in interleaved rounds (bare, bare-reply,
 * bot, bot-pg, bare, …), so drift in the machine's speed during the run hits all of them alike. `bot-pg` is
 * the same bot on a fresh PostgreSQL database (lib.mjs, createBenchDatabase), dropped afterwards; without a
 * reachable server its row is left out and the output says why.
 */
export async function runCommandsBench({ total = 4000, rounds = 8 } = {}) {
  const providers = ["claude", "chatgpt", "gemini", "copilot", "chat gpt", "claud", "perplexity", "grok"];
  let i = 0;
  const body = () => slashBody(providers[i++ % providers.length]);
  const database = await createBenchDatabase("bench_commands");
  const kinds = ["bare", "bare-reply", "bot", ...(database.url ? ["bot-pg"] : [])];
  const servers = [];
  for (const kind of kinds)
    servers.push({
      kind,
      ...(await startServerChild(SCRIPT, kind, database.url ? { BENCH_PG_URL: database.url } : {})),
    });
  const pooled = new Map(kinds.map((k) => [k, { c1: [], c50: [], failures: 0 }]));
  for (const s of servers)
    await load(`http://127.0.0.1:${s.port}/slack/events`, body, { total: 1000, concurrency: 10 }); // warm-up
  for (let round = 0; round < rounds; round += 1) {
    for (const s of servers) {
      const url = `http://127.0.0.1:${s.port}/slack/events`;
      const pool = pooled.get(s.kind);
      const c1 = await loadSamples(url, body, { total: Math.round(total / 4 / rounds), concurrency: 1 });
      const c50 = await loadSamples(url, body, { total: Math.round(total / rounds), concurrency: 50 });
      pool.c1.push(...c1.samples);
      pool.c50.push(...c50.samples);
      pool.failures += c1.failures + c50.failures;
    }
  }
  const rows = [];
  for (const s of servers) {
    const url = `http://127.0.0.1:${s.port}/slack/events`;
    const sample = await fetch(url, {
      method: "POST",
      headers: signedHeaders(slashBody("claude")),
      body: slashBody("claude"),
    });
    const bytes = (await sample.arrayBuffer()).byteLength;
    const pool = pooled.get(s.kind);
    rows.push({
      kind: s.kind,
      c1: summarise(pool.c1),
      c50: summarise(pool.c50),
      failures: pool.failures,
      bytes,
      peakRssMb: await s.stop(),
    });
  }
  await database.drop?.();
  const [bare, bareReply, bot, botPg] = rows;
  const ratio = (a, b) => (a / b).toFixed(2);
  const fmt = (x) => x.toFixed(2);
  const ratios = (label, r) =>
    `Ratios (${label} / bare): c=1 p50 ${ratio(r.c1.p50, bare.c1.p50)}×, p99 ${ratio(r.c1.p99, bare.c1.p99)}×; ` +
    `c=50 p50 ${ratio(r.c50.p50, bare.c50.p50)}×, p99 ${ratio(r.c50.p99, bare.c50.p99)}× (target ≤ 1.2×)`;
  const text = [
    "### `/ai-privacy <provider>` over signed HTTP (our bot on SQLite and on PostgreSQL vs a bare Bolt app that only acks)",
    "",
    table(
      ["app", "c=1 p50 ms", "c=1 p99 ms", "c=50 p50 ms", "c=50 p99 ms", "peak RSS MB", "non-200"],
      rows.map((r) => [
        r.kind,
        fmt(r.c1.p50),
        fmt(r.c1.p99),
        fmt(r.c50.p50),
        fmt(r.c50.p99),
        r.peakRssMb,
        r.failures,
      ]),
    ),
    "",
    ratios("bot on SQLite", bot),
    "",
    botPg
      ? ratios("bot on PostgreSQL", botPg)
      : `bot on PostgreSQL: not measured: ${database.skipped}. Set BENCH_DATABASE_URL (or TEST_DATABASE_URL).`,
    "",
    `Against a bare app acking the same ~${Math.round(bareReply.bytes / 1024)} KB answer (bot / bare-reply): c=1 p50 ${ratio(bot.c1.p50, bareReply.c1.p50)}×, ` +
      `p99 ${ratio(bot.c1.p99, bareReply.c1.p99)}×; c=50 p50 ${ratio(bot.c50.p50, bareReply.c50.p50)}×, p99 ${ratio(bot.c50.p99, bareReply.c50.p99)}×`,
  ].join("\n");
  return { rows, text };
}

const serverKind = process.argv[2] === "--server" ? process.argv[3] : undefined;
if (serverKind === "bare") await serveBare(undefined);
else if (serverKind === "bare-reply") await serveBareWithReply();
else if (serverKind === "bot") await serveBot(undefined);
else if (serverKind === "bot-pg") await serveBot(process.env.BENCH_PG_URL);
else if (process.argv[1] === SCRIPT) console.log((await runCommandsBench()).text);
