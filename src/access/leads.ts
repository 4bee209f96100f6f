import type { SlackApi } from "../slack/index.js";

/**
 * Who may run lead-only commands: the operator's ADMIN_USER_IDS plus workspace admins and owners.
 * `users.info` answers are cached briefly so a burst of clicks costs one Web API call (tier 4).
 */
export interface LeadPolicy {
  isLead(userId: string): Promise<boolean>;
  /** One sentence for refusals: who can do this. */
  whoCan(): string;
}

const CACHE_MS = 5 * 60_000;

export function leadPolicy(
  adminUserIds: readonly string[],
  slack: SlackApi,
  now: () => Date = () => new Date(),
  /**
   * The workspace being answered (distributed mode): Enterprise Grid user IDs are the same in every
   * workspace of an organisation, and an admin of one workspace is not a lead in another.
   */
  teamOf: () => string = () => "",
): LeadPolicy {
  const admins = new Set(adminUserIds);
  const cache = new Map<string, { lead: boolean; at: number }>();
  return {
    async isLead(userId) {
      if (admins.has(userId)) return true;
      const key = `${teamOf()}:${userId}`;
      const hit = cache.get(key);
      const t = now().getTime();
      if (hit && t - hit.at < CACHE_MS) return hit.lead;
      const user = await slack.userInfo(userId);
      const lead = Boolean(user && !user.deleted && (user.isAdmin || user.isOwner));
      cache.set(key, { lead, at: t });
      return lead;
    },
    whoCan() {
      const named = [...admins].map((id) => `<@${id}>`);
      return named.length
        ? `Workspace admins and owners can, and so can ${named.join(", ")}.`
        : "Workspace admins and owners can (an operator can add more people with ADMIN_USER_IDS).";
    },
  };
}
