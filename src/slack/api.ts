import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { refusedCode, type SlackFailure, slackFailure } from "./errors.js";

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

export function webApi(client: WebClient): SlackApi {
  return {
    async userInfo(userId) {
      try {
        const res = await client.users.info({ user: userId });
        return toSlackUser(res.user);
      } catch (err) {
        if (refusedCode(err) === "user_not_found") return undefined;
        throw err;
      }
    },
    async channelMembers(channelId) {
      const members: string[] = [];
      for await (const page of client.paginate("conversations.members", {
        channel: channelId,
        limit: 1000,
      })) {
        members.push(...z.array(z.string()).parse((page as { members?: unknown }).members ?? []));
      }
      return members;
    },
    async usergroupMembers(usergroupId) {
      const res = await client.usergroups.users.list({ usergroup: usergroupId });
      return z.array(z.string()).parse(res.users ?? []);
    },
    async channelAccess(channelId) {
      try {
        const res = await client.conversations.info({ channel: channelId });
        // Without chat:write.public the bot can post only where it is a member (DMs carry no is_member).
        if ((res.channel as { is_member?: boolean } | undefined)?.is_member === false)
          return { ok: false, failure: { kind: "refused", code: "not_in_channel" } };
        return { ok: true };
      } catch (err) {
        return { ok: false, failure: slackFailure(err) };
      }
    },
    async publishHome(userId, view) {
      await client.views.publish({ user_id: userId, view: view as never });
    },
    async listUsers() {
      const users: SlackUser[] = [];
      for await (const page of client.paginate("users.list", { limit: 1000 })) {
        for (const raw of (page as { members?: unknown[] }).members ?? []) users.push(toSlackUser(raw));
      }
      return users;
    },
  };
}
