import { describe, expect, it } from "vitest";
import { LaneRunner } from "../../src/outbox/lanes.js";
import type { OutboxRow } from "../../src/store/index.js";

/**
 * The lane runner's limit is per workspace: workspaces are paced independently, so lanes of a workspace
 * waiting for its turn never take the slots of another (issue 10: 20 workspaces behind 16 shared lanes
 * delivered below their combined rate).
 */

let nextId = 1;
const row = (teamId: string, channelId: string): OutboxRow =>
  ({ id: nextId++, teamId, channelId, key: `${teamId}/${channelId}/${nextId}` }) as OutboxRow;

/** Lets finished lanes make room and starts the next ones until `done` (as the deliverer's loop does). */
async function until(lanes: LaneRunner, done: () => boolean): Promise<void> {
  for (let i = 0; i < 20 && !done(); i += 1) {
    await lanes.settled(1_000);
    lanes.pump();
  }
}

function runner(concurrency: number, deliver: (row: OutboxRow) => Promise<Date | undefined>) {
  return new LaneRunner({
    concurrency,
    stopped: () => false,
    deliver,
    holdBack: async () => {},
    onError: (_row, err) => {
      throw err;
    },
  });
}

describe("lane runner", () => {
  it("a workspace whose lanes all wait does not hold up another workspace", async () => {
    const delivered: string[] = [];
    let releaseA = () => {};
    const aWaits = new Promise<void>((resolve) => (releaseA = resolve));
    const lanes = runner(1, async (r) => {
      if (r.teamId === "TA") await aWaits; // workspace A waits for its pace
      delivered.push(`${r.teamId}/${r.channelId}`);
      return undefined;
    });
    for (const r of [row("TA", "C1"), row("TA", "C2"), row("TB", "C1"), row("TB", "C2")]) lanes.add(r);
    lanes.pump();
    expect(lanes.active).toBe(2); // one lane in each workspace
    expect(lanes.activeWorkspaces).toBe(2);
    await until(lanes, () => delivered.includes("TB/C2"));
    expect(delivered).toEqual(["TB/C1", "TB/C2"]); // B went on while A waited
    releaseA();
    await until(lanes, () => delivered.length === 4);
    await lanes.idle();
    expect(delivered).toEqual(["TB/C1", "TB/C2", "TA/C1", "TA/C2"]);
  });

  it("within one workspace, at most `concurrency` lanes run at once", async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const lanes = runner(2, async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
      return undefined;
    });
    for (let c = 0; c < 5; c += 1) lanes.add(row("TA", `C${c}`));
    lanes.pump();
    expect(lanes.active).toBe(2);
    await until(lanes, () => {
      for (const open of gates.splice(0)) open();
      return lanes.active === 0 && lanes.queued === 0;
    });
    expect(most).toBe(2);
  });
});
