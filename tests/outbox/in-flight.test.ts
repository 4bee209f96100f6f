import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/index.js";
import { deliverer, fanOut, openStore, subscribe } from "../announce/helpers.js";
import { FakeSlack } from "../support/fake-slack.js";

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

/** The most posts that reached the fake within any `windowMs`. */
function mostArrivalsWithin(windowMs: number): number {
  const at = fake.callsTo("chat.postMessage").map((c) => c.at);
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i += 1) {
    while ((at[i] as number) - (at[j] as number) >= windowMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("deliverer: posts in flight per workspace", () => {
  it("never has more posts on their way than the workspace's burst, however many lanes are allowed", async () => {
    const targets = Array.from({ length: 12 }, (_, i) => `C${String(i).padStart(4, "0")}`);
    for (const c of targets) await subscribe(store, c);
    await fanOut(store, targets);
    // Every answer takes 300 ms: a post arrives only once an earlier one is answered, so the arrivals within
    // any 250 ms are the posts that were in flight together.
    fake.inject("chat.postMessage", { kind: "delay", ms: 300 }, { times: targets.length });
    const stats = await deliverer(store, fake, {
      concurrency: 16,
      pacing: { channel: { perSecond: 20, burst: 5 }, workspace: { perSecond: 500, burst: 3 } },
    }).drain();
    expect(stats.sent).toBe(targets.length);
    // The bucket alone (3 + 500/s) would let all 12 go at once.
    expect(mostArrivalsWithin(250)).toBeLessThanOrEqual(3);
  });
});
