/**
 * What one instance does among several: which cron job runs here for a tick, and which workspaces'
 * deliveries this instance may post. Both implementations (PostgreSQL advisory locks; in-process for the
 * single-instance SQLite default) satisfy the same interface, so the scheduler and the deliverer never
 * know which one they run under.
 */
export interface Coordinator {
  readonly mode: "single" | "postgres";
  /**
   * Runs `run` only when this instance wins job `job` for `tick` (the time the cron schedule fired; null
   * for a run at start-up, which is locked but not recorded). Resolves "skipped" when another instance
   * holds the job or already finished that tick, or when this instance holds no lock session. `signal`
   * aborts, with a LeadershipLost reason, the moment the session holding the job's lock ends: another
   * instance may take the job from then on, so the run must write and claim nothing more. Such a run
   * resolves "lost" (also when it rejects with that reason) and its tick is not recorded as done.
   */
  exclusive(job: string, tick: Date | null, run: (signal: AbortSignal) => Promise<void>): Promise<JobOutcome>;
  readonly partitions: DeliveryPartitions;
  /** What this instance leads right now (for /healthz). */
  leads(): Leads;
  /** Takes the first locks now (the PostgreSQL one connects); resolves once it has tried. */
  start(): Promise<void>;
  /** Releases every lock (waiting for posts in flight on a partition first) and closes the lock session. */
  close(): Promise<void>;
}

export type JobOutcome = "ran" | "skipped" | "lost";

/** The abort reason of a job's signal: this instance no longer holds the job's lock. */
export class LeadershipLost extends Error {
  readonly kind = "leadership-lost";
  constructor(readonly why: string) {
    super(`this instance lost the lock session (${why}); another instance may lead the job now`);
    this.name = "LeadershipLost";
  }
}

/** True when `err` is (or a job rethrew) the reason its signal was aborted for. */
export const isLeadershipLost = (err: unknown): err is LeadershipLost => err instanceof LeadershipLost;

export interface DeliveryPartitions {
  /**
   * Of the workspaces that have outbox work, those this instance delivers now. `recover`: workspaces whose
   * partition was taken since their rows were last recovered: their rows left in `sending` by a previous
   * holder must go back through the history check (`markRecovered` once done) before anything is posted.
   */
  claim(teamIds: readonly string[]): { deliver: string[]; recover: string[] };
  /**
   * True when another instance may have held these partitions before (the PostgreSQL coordinator): a row
   * it left in `sending` may be a post still on its way to Slack, not only one a dead process dropped.
   */
  readonly shared: boolean;
  markRecovered(teamIds: readonly string[]): void;
  /**
   * Right before a post: true while this workspace's partition is held, recovered and not being released;
   * the partition is then not released until `leave` (call it once the outcome is recorded).
   */
  enter(teamId: string): boolean;
  leave(teamId: string): void;
}

export interface Leads {
  mode: "single" | "postgres";
  /** False while the PostgreSQL lock session is down: this instance then leads nothing. */
  lockSession: boolean;
  /** Jobs running here right now under a lock this instance still holds. */
  jobs: string[];
  /** The last tick each job finished here. */
  lastRuns: Record<string, string>;
  partitions: number;
  partitionsTotal: number;
  /** Live instances seen at the last poll (1 for single). */
  instances: number;
}
