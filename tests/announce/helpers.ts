import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@slack/logger";
import {
  createDeliverer,
  createDeliveryClient,
  type DelivererOptions,
  enqueueMessage,
} from "../../src/outbox/index.js";
import type { Store } from "../../src/store/index.js";
import type { FakeSlack } from "../support/fake-slack.js";
import { openTestStore, openTestStoreAt } from "../support/store.js";

export const TEAM = "T0FAKE";

export function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (...msg: unknown[]) =>
      void lines.push(`${level}: ${msg.join(" ")}`);
  return {
    lines,
    debug: () => {},
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    setLevel: () => {},
    getLevel: () => "info" as never,
    setName: () => {},
  };
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), "ai-privacy-announce-")), "bot.db");
}

export async function subscribe(store: Store, channelId: string, createdBy = "ULEAD", providerId = "*") {
  return await store.subscriptions.upsert({
    teamId: TEAM,
    channelId,
    providerId,
    kinds: ["deadlines", "changes", "catalog"],
    createdBy,
    now: new Date(),
  });
}

/** Enqueues one simple announcement per channel, tied to that channel's subscription. */
export async function fanOut(store: Store, channels: readonly string[], tag = "a1"): Promise<void> {
  await store.transaction(async (tx) => {
    for (const channelId of channels) {
      const sub = (await tx.subscriptions.listForChannel(TEAM, channelId))[0];
      await enqueueMessage(
        tx,
        {
          key: `test:${tag}:${channelId}`,
          kind: "deadline",
          teamId: TEAM,
          channelId,
          payload: {
            text: `Announcement ${tag}`,
            blocks: [{ type: "section", text: { type: "mrkdwn", text: `Announcement ${tag}` } }],
          },
          ...(sub ? { subscriptionId: sub.id, notifyUserId: sub.createdBy } : {}),
        },
        new Date(),
      );
    }
  });
}

export function deliverer(
  store: Store,
  fake: FakeSlack,
  over: Partial<DelivererOptions> & { timeoutMs?: number } = {},
) {
  const logger = quietLogger();
  const { timeoutMs, ...rest } = over;
  const d = createDeliverer({
    store,
    client: createDeliveryClient("xoxb-test", fake.apiUrl, { timeoutMs: timeoutMs ?? 5_000 }),
    logger,
    pacing: { channel: { perSecond: 20, burst: 5 }, workspace: { perSecond: 500, burst: 50 } },
    backoff: { baseMs: 20, capMs: 200 },
    ...rest,
  });
  return Object.assign(d, { logger });
}

/** A fresh store of the kind TEST_STORE selects; with a path, the database named for it (to reopen). */
export const openStore = (path?: string): Promise<Store> => (path ? openTestStoreAt(path) : openTestStore());

/** Posted messages per channel, counting each idempotency key. */
export function keyCounts(fake: FakeSlack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of fake.messages) {
    const key = String(m.metadata?.event_payload?.key ?? `no-key:${m.ts}`);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
