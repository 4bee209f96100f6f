import { slotOf } from "./keys.js";
import type { DeliveryPartitions } from "./types.js";

/**
 * Bookkeeping of the partitions this instance holds, shared by both coordinators: which slots are held,
 * which workspaces in them were recovered since the slot was taken, and the posts in flight per slot (a
 * slot is released only once they are recorded, so a successor never sees a row this instance is still
 * posting). The lock backend calls `take`, `release` and `dropAll`; the deliverer sees `DeliveryPartitions`.
 */
export class PartitionTable implements DeliveryPartitions {
  private readonly held = new Map<number, { recovered: Set<string>; inFlight: number; releasing: boolean }>();
  private readonly idleWaiters = new Map<number, (() => void)[]>();
  /** A workspace's slot, hashed once: enter and leave run for every post. */
  private readonly slotOfTeam = new Map<string, number>();
  /**
   * Epoch ms until which the locks are known to be ours: the lock backend moves it forward after each
   * round trip that proves the lock session alive. Past it, nothing is posted (see postgres.ts, leases).
   */
  private trustedUntil = Number.POSITIVE_INFINITY;

  constructor(
    readonly slots: number,
    private readonly clock: () => number = Date.now,
    readonly shared = false,
  ) {}

  trustUntil(epochMs: number): void {
    this.trustedUntil = epochMs;
  }

  get count(): number {
    return this.held.size;
  }

  heldSlots(): number[] {
    return [...this.held.keys()];
  }

  has(slot: number): boolean {
    return this.held.has(slot);
  }

  take(slot: number): void {
    if (!this.held.has(slot)) this.held.set(slot, { recovered: new Set(), inFlight: 0, releasing: false });
  }

  /** Stops new posts on the slot and resolves once those in flight are recorded; then the lock may go. */
  async drainSlot(slot: number): Promise<void> {
    const state = this.held.get(slot);
    if (!state) return;
    state.releasing = true;
    if (state.inFlight > 0)
      await new Promise<void>((resolve) => {
        const list = this.idleWaiters.get(slot) ?? [];
        list.push(resolve);
        this.idleWaiters.set(slot, list);
      });
  }

  forget(slot: number): void {
    this.held.delete(slot);
    for (const w of this.idleWaiters.get(slot) ?? []) w();
    this.idleWaiters.delete(slot);
  }

  /** The lock session is gone: this instance holds nothing from now on, whatever is in flight. */
  dropAll(): void {
    for (const slot of [...this.held.keys()]) this.forget(slot);
  }

  /** Slots with nothing in flight, for handing back when this instance holds more than its share. */
  idleSlots(): number[] {
    return [...this.held].filter(([, s]) => s.inFlight === 0 && !s.releasing).map(([slot]) => slot);
  }

  private slotFor(teamId: string): number {
    let slot = this.slotOfTeam.get(teamId);
    if (slot === undefined) {
      slot = slotOf(teamId, this.slots);
      this.slotOfTeam.set(teamId, slot);
    }
    return slot;
  }

  claim(teamIds: readonly string[]): { deliver: string[]; recover: string[] } {
    const deliver: string[] = [];
    const recover: string[] = [];
    if (this.clock() > this.trustedUntil) return { deliver, recover };
    for (const team of new Set(teamIds)) {
      const state = this.held.get(this.slotFor(team));
      if (!state || state.releasing) continue;
      deliver.push(team);
      if (!state.recovered.has(team)) recover.push(team);
    }
    return { deliver, recover };
  }

  markRecovered(teamIds: readonly string[]): void {
    for (const team of teamIds) this.held.get(this.slotFor(team))?.recovered.add(team);
  }

  enter(teamId: string): boolean {
    if (this.clock() > this.trustedUntil) return false;
    const state = this.held.get(this.slotFor(teamId));
    if (!state || state.releasing || !state.recovered.has(teamId)) return false;
    state.inFlight += 1;
    return true;
  }

  leave(teamId: string): void {
    const slot = this.slotFor(teamId);
    const state = this.held.get(slot);
    if (!state) return;
    state.inFlight = Math.max(0, state.inFlight - 1);
    if (state.inFlight === 0 && state.releasing) {
      for (const w of this.idleWaiters.get(slot) ?? []) w();
      this.idleWaiters.delete(slot);
    }
  }
}
