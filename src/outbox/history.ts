import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { OutboxRow } from "../store/index.js";
import { keyFromMetadata } from "./enqueue.js";

const Page = z.object({
  messages: z.array(z.object({ ts: z.string(), metadata: z.unknown().optional() }).passthrough()).default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

const MAX_PAGES = 3;

async function search(
  client: WebClient,
  channel: string,
  row: OutboxRow,
  threadTs: string | undefined,
): Promise<string | undefined> {
  // Our message cannot be older than the row (minus clock skew between us and Slack).
  const oldest = (row.createdAt.getTime() / 1000 - 300).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const args = { channel, oldest, limit: 200, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
    const raw = threadTs
      ? await client.conversations.replies({ ...args, ts: threadTs })
      : await client.conversations.history(args);
    const res = Page.parse(raw);
    const hit = res.messages.find((m) => keyFromMetadata(m.metadata) === row.key);
    if (hit) return hit.ts;
    cursor = res.response_metadata?.next_cursor;
    if (!res.has_more || !cursor) return undefined;
  }
  return undefined;
}

/**
 * Looks for a message carrying this row's idempotency key in the channel (or thread): its ts when Slack
 * already has it. A DM row addresses a user ID; history needs the DM's channel ID, which
 * conversations.open returns (im:write) when the user ID itself is not accepted.
 */
export async function findPosted(
  client: WebClient,
  row: OutboxRow,
  threadTs: string | undefined,
): Promise<string | undefined> {
  try {
    return await search(client, row.channelId, row, threadTs);
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (!/^[UW]/.test(row.channelId) || code !== "channel_not_found") throw err;
    const opened = await client.conversations.open({ users: row.channelId });
    const dm = z.object({ channel: z.object({ id: z.string() }) }).parse(opened).channel.id;
    return search(client, dm, row, threadTs);
  }
}
