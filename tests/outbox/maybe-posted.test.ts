import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { enqueueMessage } from "../../src/outbox/index.js";
import { openSqliteStore, type Store } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/kysely/migrations/index.js";
import { deliverer, openStore, TEAM, tempDbPath } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";

describe("'maybe posted' is a typed column", () => {
  // SQLite only: a file written by a release from before the migration ledger (PRAGMA user_version) has
  // no PostgreSQL counterpart, since PostgreSQL support arrived with the ledger.
  it("migration 4 turns the old last_error prefix into the column and keeps the error itself", async () => {
    const path = tempDbPath();
    const db = new Database(path);
    // A file as a release before migration 4 left it: 1–3 applied, recorded only in PRAGMA user_version.
    for (const m of MIGRATIONS.slice(0, 3)) db.exec(m.sqlite);
    db.pragma("user_version = 3");
    const insert =
      db.prepare(`INSERT INTO outbox (idempotency_key, kind, team_id, channel_id, payload, status,
      attempts, next_attempt_at, last_error, created_at, updated_at)
      VALUES (?, 'k', 'T1', 'C1', '{"text":"x"}', 'pending', 1, '2026-12-01T00:00:00.000Z', ?,
      '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')`);
    insert.run("old-ambiguous", "maybe-posted: http_503");
    insert.run("old-429", "rate_limited (Retry-After 1s)");
    db.close();
    const store = openSqliteStore(path);
    try {
      expect(await store.outbox.get("old-ambiguous")).toMatchObject({
        maybePosted: true,
        lastError: "http_503",
      });
      expect(await store.outbox.get("old-429")).toMatchObject({
        maybePosted: false,
        lastError: "rate_limited (Retry-After 1s)",
      });
    } finally {
      await store.close();
    }
  });
});

describe("the deliverer and maybe posted", () => {
  let fake: FakeSlack;
  let store: Store;
  beforeEach(async () => {
    fake = new FakeSlack();
    await fake.start();
    store = await openStore();
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
  });

  it("a lost answer marks the row maybe posted, without a prefix in last_error", async () => {
    await enqueueMessage(
      store,
      { key: "k1", kind: "t", teamId: TEAM, channelId: "C1", payload: { text: "hi" } },
      new Date(),
    );
    fake.inject("chat.postMessage", { kind: "http", status: 503 }, { times: 1 });
    // A retry far in the future: the drain must not reach the second attempt however slow the machine is.
    const d = deliverer(store, fake, { lingerMs: 0, backoff: { baseMs: 60_000, capMs: 60_000 } });
    await d.drain();
    expect(await store.outbox.get("k1")).toMatchObject({
      status: "pending",
      maybePosted: true,
      lastError: "http_503",
    });
    await d.stop();
  });

  it("a 429 on the history check keeps the row maybe posted: it is found later, never posted twice", async () => {
    await enqueueMessage(
      store,
      { key: "k2", kind: "t", teamId: TEAM, channelId: "C2", payload: { text: "hi" } },
      new Date(),
    );
    // Slack takes the message but the answer never arrives in time: maybe posted.
    fake.inject("chat.postMessage", { kind: "delay", ms: 600 }, { times: 1 });
    const first = deliverer(store, fake, { timeoutMs: 200, lingerMs: 0 });
    await first.drain();
    await first.stop();
    // The delayed post lands in the fake channel once the fake answers (after our client gave up).
    await vi.waitFor(() => expect(fake.messagesIn("C2")).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect((await store.outbox.get("k2"))?.maybePosted).toBe(true);
    // The history check is rate-limited once: that says nothing about the earlier post.
    fake.inject("conversations.history", { kind: "http", status: 429, retryAfter: 1 }, { times: 1 });
    const row = (await store.outbox.get("k2"))!;
    await store.outbox.markRetry(
      row.id,
      { status: "pending", attempts: row.attempts },
      row.lastError ?? "",
      new Date(),
      new Date(),
      true,
    );
    const second = deliverer(store, fake);
    const stats = await second.drain();
    await second.stop();
    expect(stats).toMatchObject({ rateLimited: 1, recovered: 1, sent: 0 });
    expect(fake.messagesIn("C2")).toHaveLength(1);
    expect(await store.outbox.get("k2")).toMatchObject({ status: "sent", maybePosted: false });
  });
});
