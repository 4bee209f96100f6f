// Web surface: how long the change page of a 500 KB document takes to answer, against a baseline that
// answers the same bytes from the same kind of server (a Bolt HTTPReceiver custom route) in the same run.
// Rounds are interleaved (baseline, cold page, warm page, …) so drift in the machine hits all alike.
import { App } from "@slack/bolt";
import { PRODUCTION_STORE, SIGNING_SECRET, summarise, table } from "./lib.mjs";

const TARGET_BYTES = 500 * 1024;
const WORDS =
  "we our you your data chats model training retain days years settings privacy account service may use improve share third parties delete request opt out consent policy terms personal information content feedback review safety law".split(
    " ",
  );

/** A deterministic pseudo-random document of about `bytes` characters, one paragraph a line. */
function documentText(bytes, seed = 7) {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const lines = [];
  let size = 0;
  let n = 0;
  while (size < bytes) {
    const words = Array.from(
      { length: 25 + Math.floor(rand() * 20) },
      () => WORDS[Math.floor(rand() * WORDS.length)],
    );
    const line = `${++n}. ${words.join(" ")}.`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines;
}

/** The next version: 20 paragraphs edited, 5 added, 5 removed, spread over the document. */
function nextVersion(lines) {
  const out = [...lines];
  const step = Math.floor(out.length / 31);
  for (let k = 1; k <= 30; k++) {
    const i = k * step;
    if (k <= 20) out[i] = out[i].replace(/\bdays\b/, "years").replace(/\bmay\b/, "will");
    else if (k <= 25)
      out.splice(i, 0, `A new paragraph ${k}: we may use your chats to train our models for 5 years.`);
    else out.splice(i, 1);
  }
  return out;
}

async function startApp(customRoutes) {
  const app = new App({
    token: "xoxb-bench",
    signingSecret: SIGNING_SECRET,
    botId: "B0BENCH",
    botUserId: "U0BENCHBOT",
    tokenVerificationEnabled: false,
    customRoutes,
  });
  const server = await app.start({ port: 0, host: "127.0.0.1" });
  return { app, url: `http://127.0.0.1:${server.address().port}` };
}

async function timeGets(url, n) {
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    samples.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    bytes = body.byteLength;
  }
  return { samples, bytes };
}

export async function runWebBench({ rounds = 6, perRound = 25 } = {}) {
  const { openSqliteStore } = await import("../dist/store/index.js");
  const { loadCatalog } = await import("../dist/catalog/index.js");
  const { textHash } = await import("../dist/monitor/index.js");
  const { createWebSurface } = await import("../dist/web/index.js");

  const before = documentText(TARGET_BYTES).join("\n");
  const after = nextVersion(before.split("\n")).join("\n");
  const store = openSqliteStore(":memory:", PRODUCTION_STORE);
  // Awaited: the store may answer synchronously (SQLite) or with a promise.
  const record = async (text, at, baseline, documentId = "anthropic-consumer-terms") =>
    (
      await store.documents.recordVersion(
        {
          documentId,
          providerId: "claude",
          hash: textHash(text),
          rawHash: textHash(text),
          text,
          effectiveDate: null,
          baseline,
        },
        new Date(at),
      )
    ).version.id;
  await record(before, "2026-01-01T00:00:00Z", true);
  const id = await record(after, "2026-02-01T00:00:00Z", false);
  // A slow diff: 2,500 paragraphs, every third edited (a long edit script), ~0.3–1 s of diffing.
  const para = (i, tag) =>
    `${i}. This ${tag} paragraph says we keep data ${i % 13} months and train models ${i % 5} times.`;
  const heavyBefore = Array.from({ length: 2500 }, (_, i) => para(i, "old")).join("\n");
  const heavyAfter = Array.from({ length: 2500 }, (_, i) => para(i, i % 3 === 0 ? "new" : "old")).join("\n");
  await record(heavyBefore, "2026-01-01T00:00:00Z", true, "anthropic-privacy-policy");
  const heavyId = await record(heavyAfter, "2026-02-01T00:00:00Z", false, "anthropic-privacy-policy");
  const deps = {
    publicUrl: "https://privacy-bot.example.com",
    store,
    catalog: loadCatalog(),
    now: () => new Date("2026-12-01T00:00:00Z"),
    timeZone: "UTC",
    logger: console,
  };
  // Cold: no cached diff, every request diffs the two 500 KB texts. Warm: the production cache.
  const cold = await startApp(createWebSurface(deps, { cacheSize: 0 }).customRoutes);
  const warm = await startApp(createWebSurface(deps).customRoutes);
  const page = await (await fetch(`${cold.url}/changes/${id}`)).text();
  const pageBytes = Buffer.from(page);
  const baseline = await startApp([
    {
      path: "/baseline",
      method: ["GET"],
      handler: (_req, res) => {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-length": pageBytes.length,
        });
        res.end(pageBytes);
      },
    },
  ]);
  // A tiny answer from the same process (what /healthz or a slash command ack is), alone and while cold
  // change pages are diffed back to back: the diff runs in the worker pool, so the event loop stays free.
  const tiny = await startApp([
    {
      path: "/tiny",
      method: ["GET"],
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": 3 });
        res.end("ok\n");
      },
    },
  ]);
  const pooled = { baseline: [], cold: [], warm: [], tinyIdle: [], tinyBusy: [], tinyHeavy: [] };
  /** Samples of the tiny answer while `path` is requested back to back (c=1) in the background. */
  const tinyWhile = async (path) => {
    let busy = true;
    const background = (async () => {
      while (busy) await (await fetch(`${cold.url}${path}`)).arrayBuffer();
    })();
    const { samples } = await timeGets(`${tiny.url}/tiny`, perRound);
    busy = false;
    await background;
    return samples;
  };
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    pooled.baseline.push(...(await timeGets(`${baseline.url}/baseline`, perRound)).samples);
    const c = await timeGets(`${cold.url}/changes/${id}`, perRound);
    pooled.cold.push(...c.samples);
    bytes = c.bytes;
    pooled.warm.push(...(await timeGets(`${warm.url}/changes/${id}`, perRound)).samples);
    pooled.tinyIdle.push(...(await timeGets(`${tiny.url}/tiny`, perRound)).samples);
    pooled.tinyBusy.push(...(await tinyWhile(`/changes/${id}`)));
    pooled.tinyHeavy.push(...(await tinyWhile(`/changes/${heavyId}`)));
  }
  for (const a of [cold, warm, baseline, tiny]) await a.app.stop();
  await store.close();

  const s = Object.fromEntries(Object.entries(pooled).map(([k, v]) => [k, summarise(v)]));
  const fmt = (ms) => ms.toFixed(1);
  const ratio = (a, b) => (a / b).toFixed(2);
  const rows = [
    ["baseline: same bytes, same receiver", s.baseline],
    ["change page, cold (diff every request)", s.cold],
    ["change page, warm (cached page)", s.warm],
    ["tiny answer, same process, idle", s.tinyIdle],
    ["tiny answer while cold change pages are diffed", s.tinyBusy],
    ["tiny answer while slow diffs (2,500 paragraphs, every third edited) run", s.tinyHeavy],
  ];
  const text = [
    `### Change page of a ${Math.round(before.length / 1024)} KB document (${after.split("\n").length} paragraphs, 20 edited, 5 added, 5 removed), c=1`,
    "",
    table(
      ["answer", "n", "p50 ms", "p99 ms"],
      rows.map(([name, v]) => [name, v.n, fmt(v.p50), fmt(v.p99)]),
    ),
    "",
    `Page ${Math.round(bytes / 1024)} KB. Cold p50 ${fmt(s.cold.p50)} ms (${ratio(s.cold.p50, s.baseline.p50)}× the baseline), ` +
      `warm p50 ${fmt(s.warm.p50)} ms (${ratio(s.warm.p50, s.baseline.p50)}×); target: cold p50 < 50 ms. ` +
      `A tiny answer's p99 while cold pages are diffed: ${ratio(s.tinyBusy.p99, s.tinyIdle.p99)}× its idle p99, ` +
      `while slow diffs run: ${ratio(s.tinyHeavy.p99, s.tinyIdle.p99)}× (the diffs are in the worker pool, off the event loop).`,
  ].join("\n");
  return { rows, text };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  console.log((await runWebBench()).text);
}
