import type { Audience } from "../commands/index.js";
import type { SlackApi, SlackUser } from "../slack/index.js";
import { apologyFor, refusedCode, SERVER_TROUBLE_CODES } from "../slack/index.js";

/** At most this many people per `/ai-privacy remind`; the rest are reported as skipped. */
export const MAX_AUDIENCE = 5000;
/** Parallel users.info calls (tier 4: 100+/minute, bursts allowed; the Web API client queues the rest). */
export const LOOKUP_CONCURRENCY = 50;

/**
 * Audiences above this size are resolved with a few pages of users.list (tier 2, up to 1,000 people a
 * page) instead of one users.info call (tier 4, ~100/minute) per person.
 */
export const DIRECTORY_THRESHOLD = 200;

export interface Person {
  userId: string;
  tz: string | null;
}

export interface Skipped {
  bots: number;
  deactivated: number;
  unknown: number;
  /** users.info failed (Slack unreachable): not asked this time. */
  failed: number;
  overCap: number;
}

export interface ResolvedAudience {
  people: Person[];
  skipped: Skipped;
  /** Channels or groups the bot could not read, phrased for the lead. */
  problems: string[];
  /** Each channel and group that was read, with its members as Slack listed them (a campaign follows these). */
  sources: { kind: "channel" | "usergroup"; id: string; members: string[] }[];
}

/** Why a member list could not be read, for the lead: Slack's code with the fix, or Slack's trouble as such. */
function unreadable(what: string, err: unknown, fix: string): string {
  const code = refusedCode(err);
  if (code && !SERVER_TROUBLE_CODES.has(code)) return `I can't read the members of ${what} (${code})${fix}`;
  return `I can't read the members of ${what} right now: ${apologyFor(err)}`;
}

async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/**
 * Mentioned people, channel members and user-group members, deduplicated in that order, capped, and
 * without bots, deactivated or unknown accounts. Each person's Slack time zone comes along for scheduling.
 */
export async function resolveAudience(
  slack: SlackApi,
  audience: Audience,
  cap = MAX_AUDIENCE,
): Promise<ResolvedAudience> {
  const problems: string[] = [];
  const sources: ResolvedAudience["sources"] = [];
  const ids: string[] = [...audience.users];
  for (const channel of audience.channels) {
    try {
      const members = await slack.channelMembers(channel);
      sources.push({ kind: "channel", id: channel, members });
      ids.push(...members);
    } catch (err) {
      problems.push(unreadable(`<#${channel}>`, err, ": invite me to it, or mention people instead."));
    }
  }
  for (const group of audience.usergroups) {
    try {
      const members = await slack.usergroupMembers(group);
      sources.push({ kind: "usergroup", id: group, members });
      ids.push(...members);
    } catch (err) {
      problems.push(unreadable(`<!subteam^${group}>`, err, "."));
    }
  }
  const unique = [...new Set(ids)];
  const skipped: Skipped = {
    bots: 0,
    deactivated: 0,
    unknown: 0,
    failed: 0,
    overCap: Math.max(0, unique.length - cap),
  };
  const wanted = unique.slice(0, cap);
  const users = await lookUp(slack, wanted);
  const people: Person[] = [];
  users.forEach((user) => {
    if (user === "unknown") skipped.unknown += 1;
    else if (user === "failed") skipped.failed += 1;
    else if (user.isBot) skipped.bots += 1;
    else if (user.deleted) skipped.deactivated += 1;
    else people.push({ userId: user.id, tz: user.tz ?? null });
  });
  return { people, skipped, problems, sources };
}

type Lookup = SlackUser | "unknown" | "failed";

async function lookUp(slack: SlackApi, ids: string[]): Promise<Lookup[]> {
  if (ids.length > DIRECTORY_THRESHOLD) {
    const directory = new Map((await slack.listUsers()).map((u) => [u.id, u]));
    return ids.map((id) => directory.get(id) ?? "unknown");
  }
  return mapPool(ids, LOOKUP_CONCURRENCY, (id) =>
    slack.userInfo(id).then(
      (user): Lookup => user ?? "unknown",
      (): Lookup => "failed",
    ),
  );
}

/** "2 skipped (bots), 1 skipped (deactivated)" — empty when nothing was skipped. */
export function describeSkipped(s: Skipped, cap = MAX_AUDIENCE): string[] {
  const parts: string[] = [];
  if (s.bots) parts.push(`${s.bots} skipped (bot${s.bots === 1 ? "" : "s"})`);
  if (s.deactivated) parts.push(`${s.deactivated} skipped (deactivated)`);
  if (s.unknown) parts.push(`${s.unknown} skipped (not found in this workspace)`);
  if (s.failed) parts.push(`${s.failed} skipped (Slack didn't answer; run it again later)`);
  if (s.overCap) parts.push(`${s.overCap} skipped (over the ${cap.toLocaleString("en-US")}-person limit)`);
  return parts;
}
