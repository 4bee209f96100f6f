import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChangeDiffer,
  createExtractionPool,
  type ExtractionPool,
  textHash,
} from "../../src/monitor/index.js";
import type { Store } from "../../src/store/index.js";
import { createWebSurface, type WebDeps } from "../../src/web/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";

/**
 * Change-page diffs run in the monitor's worker pool, never on the event loop that answers Slack: while a
 * large first diff is being made, /healthz and a slash command are answered. A diff past the pool's limits
 * (size, time) is a plain "too large to show" section, never a 500.
 */

const PUBLIC_URL = "https://privacy-bot.example.com";
const DOCUMENT_URL = "https://www.anthropic.com/legal/consumer-terms";

const paragraph = (i: number, tag: string) =>
  `${i}. This ${tag} paragraph says we keep data ${i % 13} months and train models ${i % 5} times.`;
/** 2,500 paragraphs, every third one edited: a line diff with a long edit script, the slow kind. */
const BEFORE = Array.from({ length: 2500 }, (_, i) => paragraph(i, "old")).join("\n");
const AFTER = Array.from({ length: 2500 }, (_, i) => paragraph(i, i % 3 === 0 ? "new" : "old")).join("\n");

async function recordChange(store: Store): Promise<number> {
  const record = async (text: string, at: string, baseline: boolean) =>
    (
      await store.documents.recordVersion(
        {
          documentId: "anthropic-consumer-terms",
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
  await record(BEFORE, "2026-01-05T06:00:00Z", true);
  return record(AFTER, "2026-02-10T12:00:00Z", false);
}

let bot: TestBot;
let changeId: number;
const errors: string[] = [];
const pool: ExtractionPool = createExtractionPool();

beforeAll(async () => {
  bot = await startTestBot({ env: { PUBLIC_URL } });
  changeId = await recordChange(bot.deps.store);
});

afterAll(async () => {
  await bot.stop();
  await pool.close();
});

/** A web surface on its own port, in this process (the bot's event loop), diffing with `diff`. */
async function surface(diff: ChangeDiffer) {
  const deps: WebDeps = {
    publicUrl: PUBLIC_URL,
    store: bot.deps.store,
    catalog: bot.deps.catalog,
    now: () => new Date("2026-12-01T10:00:00Z"),
    timeZone: "UTC",
    logger: { error: (message: string) => errors.push(message) },
    diff,
  };
  const server = await createWebSurface(deps).listen(0, "127.0.0.1");
  return { url: `http://127.0.0.1:${server.port}/changes/${changeId}`, close: server.close };
}

describe("change-page diffs in the worker pool", () => {
  it("while a large first diff is made, /healthz and a slash command are answered first", async () => {
    let dispatched!: () => void;
    const inWorker = new Promise<void>((resolve) => {
      dispatched = resolve;
    });
    const web = await surface((request) => {
      dispatched();
      return pool.diff(request);
    });
    try {
      const order: string[] = [];
      const page = fetch(web.url).then(async (res) => {
        order.push("change page");
        return { status: res.status, body: await res.text() };
      });
      // The diff is on a worker thread now; a diff on this thread would hold both answers until it ended.
      await inWorker;
      const health = fetch(`${bot.base}/healthz`).then((res) => {
        order.push("healthz");
        return res.status;
      });
      const command = bot.command("help").then((reply) => {
        order.push("slash command");
        return reply.status;
      });
      expect(await health).toBe(200);
      expect(await command).toBe(200);
      const answer = await page;
      expect(order.slice(0, 2).sort()).toEqual(["healthz", "slash command"]);
      expect(order[2]).toBe("change page");
      expect(answer.status).toBe(200);
      // The worker's rows made it into the page: edited paragraphs with word-level marks.
      expect(answer.body).toContain('<p class="edited">');
      expect(answer.body).toContain("<ins>new</ins>");
      expect(answer.body).not.toContain("too large to show as a diff");
    } finally {
      await web.close();
    }
  });

  it("a change over the pool's size cap is a plain 'too large' section with the live page, not a 500", async () => {
    const small = createExtractionPool({ maxDiffChars: 10_000 });
    const web = await surface(small.diff);
    try {
      const res = await fetch(web.url);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain("This change is too large to show as a diff; see");
      expect(body).toContain(`href="${DOCUMENT_URL}"`);
      expect(body).not.toContain('<h2 id="highlights">');
      expect(body).not.toContain('class="edited"');
      expect(errors).toEqual([]);
    } finally {
      await web.close();
      await small.close();
    }
  });

  it("a diff over the pool's time limit is the same section, and the next request tries again", async () => {
    const slow = createExtractionPool({ timeLimitMs: 1 });
    let calls = 0;
    const web = await surface((request) => {
      calls += 1;
      return slow.diff(request);
    });
    try {
      for (const _ of [1, 2]) {
        const res = await fetch(web.url);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain("This change is too large to show as a diff");
      }
      expect(calls).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await web.close();
      await slow.close();
    }
  });

  it("a pool that cannot compare at all (a crashed worker) shows the section too, and logs why", async () => {
    const web = await surface(async () => ({
      ok: false,
      reason: "the versions could not be compared (ERR_WORKER_INIT_FAILED: gone)",
    }));
    try {
      const res = await fetch(web.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("This change is too large to show as a diff");
      expect(errors).toEqual([
        `web /changes/${changeId}: the versions could not be compared (ERR_WORKER_INIT_FAILED: gone)`,
      ]);
    } finally {
      errors.length = 0;
      await web.close();
    }
  });
});
