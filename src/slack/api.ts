import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { isSlackClientError, isTransient, refusedCode, type SlackFailure, slackFailure } from "./errors.js";

/** The few Slack reads the bot relies on, validated, behind an interface so logic can be tested without HTTP. */
export interface SlackUser {
  id: string;
  name: string;
  tz: string | undefined;
  isAdmin: boolean;
  isOwner: boolean;
  isBot: boolean;
  deleted: boolean;
}

export interface SlackApi {
  userInfo(userId: string): Promise<SlackUser | undefined>;
  /** Every member of a channel, all pages. */
  channelMembers(channelId: string): Promise<string[]>;
  usergroupMembers(usergroupId: string): Promise<string[]>;
  /** Whether the bot can see the channel (conversations.info): when not, why (a Slack code, or no answer). */
  channelAccess(channelId: string): Promise<{ ok: true } | { ok: false; failure: SlackFailure }>;
  publishHome(userId: string, view: { type: "home"; blocks: unknown[] }): Promise<void>;
  /** Every user in the workspace (users.list, tier 2): one paginated read instead of thousands of users.info. */
  listUsers(): Promise<SlackUser[]>;
}

const UserSchema = z.object({
  id: z.string(),
  name: z.string().default(""),
  real_name: z.string().optional(),
  tz: z.string().optional(),
  is_admin: z.boolean().default(false),
  is_owner: z.boolean().default(false),
  is_primary_owner: z.boolean().default(false),
  is_bot: z.boolean().default(false),
  deleted: z.boolean().default(false),
});

function toSlackUser(raw: unknown): SlackUser {
  const u = UserSchema.parse(raw);
  return {
    id: u.id,
    name: u.real_name || u.name,
    tz: u.tz,
    isAdmin: u.is_admin,
    isOwner: u.is_owner || u.is_primary_owner,
    isBot: u.is_bot || u.id === "USLACKBOT",
    deleted: u.deleted,
  };
}

/**
 * When Slack did not answer (timeout, connection failure, 5xx, a non-JSON page) or asked us to slow down,
 * calls made in the next `openMs` fail at once with that same error instead of each waiting out its own
 * timeout and retry: resolving 120 people while Slack is down then costs one call's worst case (about 8 s),
 * not 120 of them. Refusals (user_not_found, not_in_channel) are answers and do not trip it.
 */
export function breaker(now: () => number = Date.now, openMs = 5000) {
  let openUntil = 0;
  let lastError: unknown;
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (now() < openUntil) throw lastError;
    try {
      return await fn();
    } catch (err) {
      if (isSlackClientError(err) && isTransient(slackFailure(err))) {
        openUntil = now() + openMs;
        lastError = err;
      }
      throw err;
    }
  };
}

export function webApi(client: WebClient, options: { breakerMs?: number } = {}): SlackApi {
  const call = breaker(Date.now, options.breakerMs);
  return {
    async userInfo(userId) {
      try {
        const res = await call(() => client.users.info({ user: userId }));
        return toSlackUser(res.user);
      } catch (err) {
        if (refusedCode(err) === "user_not_found") return undefined;
        throw err;
      }
    },
    channelMembers: (channelId) =>
      call(async () => {
        const members: string[] = [];
        for await (const page of client.paginate("conversations.members", {
          channel: channelId,
          limit: 1000,
        })) {
          members.push(...z.array(z.string()).parse((page as { members?: unknown }).members ?? []));
        }
        return members;
      }),
    async usergroupMembers(usergroupId) {
      const res = await call(() => client.usergroups.users.list({ usergroup: usergroupId }));
      return z.array(z.string()).parse(res.users ?? []);
    },
    async channelAccess(channelId) {
      try {
        const res = await call(() => client.conversations.info({ channel: channelId }));
        // Without chat:write.public the bot can post only where it is a member (DMs carry no is_member).
        if ((res.channel as { is_member?: boolean } | undefined)?.is_member === false)
          return { ok: false, failure: { kind: "refused", code: "not_in_channel" } };
        return { ok: true };
      } catch (err) {
        return { ok: false, failure: slackFailure(err) };
      }
    },
    async publishHome(userId, view) {
      await call(() => client.views.publish({ user_id: userId, view: view as never }));
    },
    listUsers: () =>
      call(async () => {
        const users: SlackUser[] = [];
        for await (const page of client.paginate("users.list", { limit: 1000 })) {
          for (const raw of (page as { members?: unknown[] }).members ?? []) users.push(toSlackUser(raw));
        }
        return users;
      }),
  };
}
