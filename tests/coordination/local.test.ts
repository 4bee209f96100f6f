import { describe, expect, it } from "vitest";
import { createLocalCoordinator, fairShare, slotOf } from "../../src/coordination/index.js";

describe("single-instance coordinator (SQLite)", () => {
  it("runs every job and delivers every workspace, after recovering each once", async () => {
    const c = createLocalCoordinator();
    await c.start();
    let ran = 0;
    expect(await c.exclusive("policy-check", new Date("2026-12-02T09:00:00Z"), async () => void ran++)).toBe(
      "ran",
    );
    expect(ran).toBe(1);
    const first = c.partitions.claim(["T1", "T2", "T1"]);
    expect(first).toEqual({ deliver: ["T1", "T2"], recover: ["T1", "T2"] });
    expect(c.partitions.enter("T1")).toBe(false);
    c.partitions.markRecovered(first.recover);
    expect(c.partitions.claim(["T1", "T2"]).recover).toEqual([]);
    expect(c.partitions.enter("T1")).toBe(true);
    c.partitions.leave("T1");
    expect(c.leads()).toMatchObject({ mode: "single", partitions: 1, partitionsTotal: 1, instances: 1 });
    await c.close();
    expect(c.partitions.claim(["T1"]).deliver).toEqual([]);
  });

  it("close waits for a post in flight before letting the partition go", async () => {
    const c = createLocalCoordinator();
    c.partitions.markRecovered(c.partitions.claim(["T1"]).recover);
    expect(c.partitions.enter("T1")).toBe(true);
    let closed = false;
    const closing = c.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    // Being released: no new post starts meanwhile.
    expect(c.partitions.enter("T1")).toBe(false);
    c.partitions.leave("T1");
    await closing;
    expect(closed).toBe(true);
  });

  it("derives partitions and shares stably", () => {
    expect(slotOf("T0123ABCD", 32)).toBe(slotOf("T0123ABCD", 32));
    expect(fairShare(32, 3)).toBe(11);
    expect(fairShare(32, 0)).toBe(32);
  });
});
