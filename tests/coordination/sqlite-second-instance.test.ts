import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SIGNING_SECRET } from "../support/bot.js";
import { FakeSlack } from "../support/fake-slack.js";
import { spawnBot } from "../support/spawn-bot.js";

describe("several instances on one SQLite file", () => {
  const fake = new FakeSlack();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it("the second is refused with exit 2 and one line pointing at PostgreSQL; the first keeps running", async () => {
    const env = {
      SLACK_BOT_TOKEN: "xoxb-instances-test",
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
    };
    // SQLite whatever TEST_STORE says: the lock file beside the database is SQLite's own guard.
    const first = spawnBot({ ...env, DATABASE_URL: "sqlite:bot.db" });
    try {
      await first.waitFor(/running on http/);
      const second = spawnBot({ ...env, DATABASE_URL: `sqlite:${join(first.dir, "bot.db")}` });
      expect(await second.exited).toBe(2);
      const lines = second.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/another ai-privacy-bot \(pid \d+\) is already running on .*bot\.db/);
      expect(lines[0]).toContain("PostgreSQL");
      expect(first.child.exitCode).toBeNull();
    } finally {
      first.kill();
      await first.exited;
    }
    // The first was killed (-9): its lock file is stale and a new start on the file works.
    const again = spawnBot({ ...env, DATABASE_URL: `sqlite:${join(first.dir, "bot.db")}` });
    try {
      await again.waitFor(/running on http/);
    } finally {
      again.kill();
    }
  });
});
