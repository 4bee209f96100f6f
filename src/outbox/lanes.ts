import type { OutboxRow } from "../store/index.js";

/**
 * The lane runner: one lane per channel, served in order one message at a time (Slack keeps a channel's
 * messages in the order they were posted), up to `concurrency` lanes at once in each workspace. It knows
 * nothing about Slack or the store: `deliver` does one row and says whether the rest of its lane must wait.
 *
 * The limit is per workspace because each workspace is paced on its own (its own token, its own rate
 * limits): a lane waiting for its workspace's turn must not take a slot another workspace could post in.
 * With one limit for all, 16 lanes shared by 20 workspaces spent most of their time waiting on pacing and
 * the combined rate stayed below what the workspaces together allow.
 */
export interface LaneRunnerOptions {
  /** Lanes served at once per workspace. */
  concurrency: number;
  /** True when the runner must stop taking rows (stopping, or delivery halted). */
  stopped: () => boolean;
  /** Delivers one row. A date: the channel is rate-limited until then, so the rest of the lane waits too. */
  deliver: (row: OutboxRow) => Promise<Date | undefined>;
  /** The rows of a lane that must wait until `at` (they go back to pending with that time). */
  holdBack: (rows: OutboxRow[], at: Date) => Promise<void>;
  /** `deliver` threw: the row stays as it is (pending or sending) and is looked at again later. */
  onError: (row: OutboxRow, err: unknown) => void;
}

export const laneOf = (row: Pick<OutboxRow, "teamId" | "channelId">): string =>
  `${row.teamId}/${row.channelId}`;

export class LaneRunner {
  private readonly queues = new Map<string, OutboxRow[]>();
  private readonly taken = new Set<number>();
  /** Lanes queued and not started, per workspace, oldest first: pump() never scans running lanes. */
  private readonly waiting = new Map<string, string[]>();
  /** Lanes running per workspace. */
  private readonly running = new Map<string, number>();
  private wake: () => void = () => {};
  /** Lanes being served right now. */
  active = 0;
  /** Rows waiting in a lane. */
  queued = 0;

  constructor(private readonly options: LaneRunnerOptions) {}

  /** Queues a due row unless it is already queued or in flight; true when it was added. */
  add(row: OutboxRow): boolean {
    if (this.taken.has(row.id)) return false;
    this.taken.add(row.id);
    const lane = laneOf(row);
    const queue = this.queues.get(lane);
    if (queue) queue.push(row);
    else {
      this.queues.set(lane, [row]);
      const waiting = this.waiting.get(row.teamId);
      if (waiting) waiting.push(lane);
      else this.waiting.set(row.teamId, [lane]);
    }
    this.queued += 1;
    return true;
  }

  /** Starts idle lanes up to each workspace's concurrency limit. */
  pump(): void {
    for (const [team, lanes] of this.waiting) {
      while (lanes.length && (this.running.get(team) ?? 0) < this.options.concurrency)
        this.start(team, lanes.shift() as string);
      if (!lanes.length) this.waiting.delete(team);
    }
  }

  private start(team: string, lane: string): void {
    this.running.set(team, (this.running.get(team) ?? 0) + 1);
    this.active += 1;
    void this.run(lane).finally(() => {
      const left = (this.running.get(team) ?? 1) - 1;
      if (left > 0) this.running.set(team, left);
      else this.running.delete(team);
      this.active -= 1;
      this.wake();
    });
  }

  /** Workspaces with a lane running now. */
  get activeWorkspaces(): number {
    return this.running.size;
  }

  /** Resolves when a lane finishes or after `ms`, whichever comes first. */
  settled(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Resolves once no lane is running. */
  async idle(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private async run(lane: string): Promise<void> {
    const queue = this.queues.get(lane) ?? [];
    while (queue.length && !this.options.stopped()) {
      const row = queue.shift()!;
      this.queued -= 1;
      let blockedUntil: Date | undefined;
      try {
        blockedUntil = await this.options.deliver(row);
      } catch (err) {
        this.options.onError(row, err);
      }
      this.taken.delete(row.id);
      if (blockedUntil && queue.length) {
        // Rate-limited: the rest of this channel waits with the deferred row (same time, then id order).
        const later = queue.splice(0);
        try {
          await this.options.holdBack(later, blockedUntil);
        } catch (err) {
          // They stay pending with their old time: picked up again by the next query.
          for (const r of later) this.options.onError(r, err);
        }
        for (const r of later) this.taken.delete(r.id);
        this.queued -= later.length;
      }
    }
    for (const row of queue) this.taken.delete(row.id);
    this.queued -= queue.length;
    this.queues.delete(lane);
  }
}
