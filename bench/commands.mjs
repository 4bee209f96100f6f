// `/ai-privacy <provider>` over signed HTTP: our bot against a bare Bolt app that only acks, same run.
import { fileURLToPath } from "node:url";
import bolt from "@slack/bolt";
import { load, SIGNING_SECRET, serveChild, slashBody, startServerChild, table } from "./lib.mjs";

const SCRIPT = fileURLToPath(import.meta.url);
const BOT_IDS = { botId: "B0BENCH", botUserId: "U0BOT" };

async function serveBare() {
  const app = new bolt.App({
    token: "xoxb-bench",
    signingSecret: SIGNING_SECRET,
    ...BOT_IDS,
    logLevel: bolt.LogLevel.ERROR,
  });
  app.command("/ai-privacy", async ({ ack }) => {
    await ack();
  });
  const server = await app.start({ port: 0, host: "127.0.0.1" });
  serveChild(server.address().port);
}

async function serveBot() {
  const { parseConfig } = await import("../dist/config.js");
  const { buildDeps, makeLogger } = await import("../dist/wiring.js");
  const { openSqliteStore } = await import("../dist/store/index.js");
  const { createBot } = await import("../dist/app.js");
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: "http://127.0.0.1:9/api/",
    LOG_LEVEL: "error",
  });
  const deps = buildDeps(config, { store: openSqliteStore(":memory:"), logger: makeLogger("error") });
  const bot = createBot(deps, { botIds: BOT_IDS });
  const { port } = await bot.start({ port: 0, host: "127.0.0.1" });
  serveChild(port);
}

export async function runCommandsBench({ total = 2000 } = {}) {
  const providers = ["claude", "chatgpt", "gemini", "copilot", "chat gpt", "claud", "perplexity", "grok"];
  let i = 0;
  const body = () => slashBody(providers[i++ % providers.length]);
  const rows = [];
  for (const kind of ["bare", "bot"]) {
    const server = await startServerChild(SCRIPT, kind);
    const url = `http://127.0.0.1:${server.port}/slack/events`;
    await load(url, body, { total: 200, concurrency: 10 }); // warm-up: JIT, caches
    const c1 = await load(url, body, { total: Math.round(total / 4), concurrency: 1 });
    const c50 = await load(url, body, { total, concurrency: 50 });
    const peakRssMb = await server.stop();
    rows.push({ kind, c1, c50, peakRssMb });
  }
  const [bare, bot] = rows;
  const ratio = (a, b) => (a / b).toFixed(2);
  const fmt = (x) => x.toFixed(2);
  const text = [
    "### `/ai-privacy <provider>` over signed HTTP (our bot vs a bare Bolt app that only acks)",
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
        r.c1.failures + r.c50.failures,
      ]),
    ),
    "",
    `Ratios (bot / bare): c=1 p50 ${ratio(bot.c1.p50, bare.c1.p50)}×, p99 ${ratio(bot.c1.p99, bare.c1.p99)}×; ` +
      `c=50 p50 ${ratio(bot.c50.p50, bare.c50.p50)}×, p99 ${ratio(bot.c50.p99, bare.c50.p99)}× (target ≤ 1.2×)`,
  ].join("\n");
  return { rows, text };
}

const serverKind = process.argv[2] === "--server" ? process.argv[3] : undefined;
if (serverKind === "bare") await serveBare();
else if (serverKind === "bot") await serveBot();
else if (process.argv[1] === SCRIPT) console.log((await runCommandsBench()).text);
