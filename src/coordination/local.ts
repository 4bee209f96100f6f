import { PartitionTable } from "./partitions.js";
import type { Coordinator, Leads } from "./types.js";

/**
 * The single-instance coordinator (embedded SQLite): this process leads every job and every partition,
 * so behaviour is what it was before instances existed. Running several instances needs PostgreSQL
 * (README, "Running several instances"); a second instance on one SQLite file is refused at start.
 */
export function createLocalCoordinator(options: { slots?: number } = {}): Coordinator {
  const partitions = new PartitionTable(options.slots ?? 1);
  for (let slot = 0; slot < partitions.slots; slot++) partitions.take(slot);
  const running = new Set<string>();
  const lastRuns: Record<string, string> = {};
  // One process leads everything for as long as it runs: its jobs' signal never aborts.
  const leading = new AbortController().signal;
  return {
    mode: "single",
    partitions,
    async exclusive(job, tick, run) {
      running.add(job);
      try {
        await run(leading);
        if (tick) lastRuns[job] = tick.toISOString();
        return "ran";
      } finally {
        running.delete(job);
      }
    },
    leads(): Leads {
      return {
        mode: "single",
        lockSession: true,
        jobs: [...running],
        lastRuns: { ...lastRuns },
        partitions: partitions.count,
        partitionsTotal: partitions.slots,
        instances: 1,
      };
    },
    async start() {},
    async close() {
      for (const slot of partitions.heldSlots()) await partitions.drainSlot(slot);
      partitions.dropAll();
    },
  };
}
