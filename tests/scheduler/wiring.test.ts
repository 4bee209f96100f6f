import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { addDays, calendarDate } from "../../src/announce/deadlines.js";
import { announcementJobs } from "../../src/announce/index.js";
import { parseConfig } from "../../src/config.js";
import { createDeliverer, createDeliveryClient } from "../../src/outbox/index.js";
import { startScheduler } from "../../src/scheduler/index.js";
import { buildDeps } from "../../src/wiring.js";
import { quietLogger, tempDbPath } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";
import { openTestStoreAt, spawnDatabaseUrl } from "../support/store.js";

/** The wiring main.ts uses (see the snippet in the issue-3 report), driven by real cron ticks. */
describe("production wiring", () => {
  it("cron ticks plan and deliver a deadline announcement; stop() ends cleanly", async () => {
    const fake = new FakeSlack();
    await fake.start();
    const dbPath = tempDbPath();
    const overlay = join(dirname(dbPath), "overlay.yaml");
    const date = addDays(calendarDate(new Date(), "UTC"), 1);
    writeFileSync(
      overlay,
      `providers:\n  - id: acme-ai\n    name: Acme AI\n    deadlines:\n      - { date: ${date}, title: Opt-out closes }\n`,
    );
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "abcdef0123456789abcdef",
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: spawnDatabaseUrl(dbPath),
      CATALOG_PATH: overlay,
      OUTBOX_CRON: "* * * * * *",
      DEADLINE_CHECK_CRON: "* * * * * *",
    });
    const store = await openTestStoreAt(dbPath);
    const deps = await buildDeps(config, { store, logger: quietLogger() });
    await store.subscriptions.upsert({
      teamId: "T0FAKE",
      channelId: "C1",
      providerId: "*",
      kinds: ["deadlines"],
      createdBy: "ULEAD",
      now: new Date(),
    });
    try {
      // --- as in main.ts ---
      const deliverer = createDeliverer({
        store: deps.store,
        client: createDeliveryClient(deps.config.SLACK_BOT_TOKEN ?? "", deps.config.SLACK_API_URL, {
          logger: deps.logger,
        }),
        logger: deps.logger,
        opsChannelId: deps.config.OPS_CHANNEL_ID,
      });
      const scheduler = startScheduler(deps, [...announcementJobs(deps, { deliverer })]);
      // ---
      const deadline = Date.now() + 8000;
      while (fake.messagesIn("C1").length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1500)); // more ticks: still one message
      await scheduler.stop();
      const msgs = fake.messagesIn("C1");
      expect(msgs.length).toBe(1);
      expect(msgs[0]?.text).toContain("Acme AI: Opt-out closes");
      expect(msgs[0]?.text).toContain("tomorrow");
      expect(await store.outbox.counts()).toMatchObject({ sent: 1, pending: 0 });
    } finally {
      await store.close();
      await fake.stop();
    }
  }, 20_000);
});
