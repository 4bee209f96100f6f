/**
 * A separate process that runs the real deliverer against a database (a SQLite file or a PostgreSQL schema) and a (fake) Slack URL, so a test
 * can SIGKILL it mid-fan-out and start it again. Compiled to JS by tests/announce/kill.test.ts (Node 20
 * cannot run TypeScript). Env: DATABASE_URL, SLACK_API_URL. Prints one JSON line with the drain's stats.
 */
import { createDeliverer, createDeliveryClient } from "../../src/outbox/index.js";
import { openKyselyStore } from "../../src/store/index.js";

const apiUrl = process.env.SLACK_API_URL ?? "";
const store = await openKyselyStore(process.env.DATABASE_URL ?? "");
const quiet = () => {};
const logger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  setLevel: quiet,
  getLevel: () => "info" as never,
  setName: quiet,
};
const deliverer = createDeliverer({
  store,
  client: createDeliveryClient("xoxb-child", apiUrl),
  logger,
  concurrency: 4,
  pacing: { channel: { perSecond: 1, burst: 1 }, workspace: { perSecond: 20, burst: 2 } },
  backoff: { baseMs: 20, capMs: 200 },
});
const stats = await deliverer.drain();
await store.close();
process.stdout.write(`${JSON.stringify(stats)}\n`);
