import type { KnownBlock } from "@slack/types";
import type { SubscriptionKind } from "../store/index.js";

/** Mentions as Slack sends them with `should_escape: true`: users, channels and user groups. */
export interface Audience {
  users: string[];
  channels: string[];
  usergroups: string[];
}

/** Everything `/ai-privacy` understands, after parsing. Handlers switch on `type`. */
export type Command =
  | { type: "help"; topic?: string }
  | { type: "list" }
  | { type: "steps"; query: string }
  | { type: "deadlines" }
  | { type: "search"; words: string }
  | { type: "subscribe"; providers: string[] | "all"; kinds: SubscriptionKind[] }
  | { type: "unsubscribe"; providers: string[] | "all" }
  | { type: "subscriptions" }
  | {
      type: "remind";
      audience: Audience;
      providers: string[];
      by?: string;
      /** `no-joiners`: people who join the channels or groups later are not asked. */
      autoEnrol?: false;
      /** Mentions read from the text, duplicates included (the reply says how many were read). */
      mentions: number;
    }
  | {
      type: "status";
      provider?: string;
      /** `status … names`: an admin asks for names of campaigns they do not lead (audited). */
      names?: boolean;
    }
  | { type: "my-data" }
  | { type: "forget-me" }
  | { type: "invalid"; problem: string; usage: string };

export type CommandType = Command["type"];

/** A reply to the person who ran the command (ephemeral) or to the whole channel (in_channel). */
export interface Reply {
  responseType: "ephemeral" | "in_channel";
  /** Notification / fallback text: plain, short, never a mention. */
  text: string;
  blocks: KnownBlock[];
}

/** Who asked, where, and when: the only request facts handlers may rely on. */
export interface RequestContext {
  teamId: string;
  userId: string;
  channelId: string;
  now: Date;
}
