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
   * holds the job or already finished that tick, or when this instance holds no lock session.
   */
  exclusive(job: string, tick: Date | null, run: () => Promise<void>): Promise<"ran" | "skipped">;
  readonly partitions: DeliveryPartitions;
  /** What this instance leads right now (for /healthz). */
  leads(): Leads;
  /** Takes the first locks now (the PostgreSQL one connects); resolves once it has tried. */
  start(): Promise<void>;
  /** Releases every lock (waiting for posts in flight on a partition first) and closes the lock session. */
  close(): Promise<void>;
}

export interface DeliveryPartitions {
  /**
   * Of the workspaces that have outbox work, those this instance delivers now. `recover`: workspaces whose
   * partition was taken since their rows were last recovered: their rows left in `sending` by a previous
   * holder must go back through the history check (`markRecovered` once done) before anything is posted.
   */
  claim(teamIds: readonly string[]): { deliver: string[]; recover: string[] };
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
  /** Jobs running here right now under their lock. */
  jobs: string[];
  /** The last tick each job finished here. */
  lastRuns: Record<string, string>;
  partitions: number;
  partitionsTotal: number;
  /** Live instances seen at the last poll (1 for single). */
  instances: number;
}
