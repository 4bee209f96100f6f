import type { Store } from "../store/index.js";

/** What the lead sees of a campaign that follows channels or groups. */
export interface AudienceProgress {
  /** Channels and groups followed. */
  sources: number;
  /** Newcomers are asked (the lead's switch). */
  autoEnrol: boolean;
  /** People asked because they joined after the start. */
  joined: number;
  /** People who left every followed channel and group: no more reminders. */
  left: number;
}

/** Undefined for a campaign of mentioned people only (nothing to follow). */
export async function audienceProgress(
  store: Store,
  campaignId: number,
): Promise<AudienceProgress | undefined> {
  const sources = await store.audiences.sources(campaignId);
  if (!sources.length) return undefined;
  const counts = await store.audiences.counts(campaignId);
  return { sources: sources.length, autoEnrol: sources.some((s) => s.autoEnrol), ...counts };
}

/** "\n joined since the start: *3* · left (no more reminders): *1* · new joiners: asked" — counts only. */
export function audienceLine(a: AudienceProgress | undefined): string {
  if (!a) return "";
  return `\njoined since the start: *${a.joined}* · left (no more reminders): *${a.left}* · new joiners: ${a.autoEnrol ? "asked" : "not asked"}`;
}
