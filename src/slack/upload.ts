import type { WebClient } from "@slack/web-api";
import { z } from "zod";

export interface DmFile {
  filename: string;
  title: string;
  content: string;
  initialComment: string;
}

const Opened = z.object({ channel: z.object({ id: z.string().min(1) }) });

/**
 * Uploads a file into the app's DM with a person. `files.uploadV2` in @slack/web-api is Slack's current
 * upload flow (docs.slack.dev/messaging/working-with-files#upload): files.getUploadURLExternal (name and
 * byte length), a POST of the bytes to the returned upload_url, then files.completeUploadExternal to share
 * it. It shares into a channel ID, so the DM's ID comes from conversations.open (im:write) first.
 * Needs files:write. Returns the file's ID.
 */
export async function uploadToDm(client: WebClient, userId: string, file: DmFile): Promise<string> {
  const opened = Opened.parse(await client.conversations.open({ users: userId }));
  const result = await client.filesUploadV2({
    channel_id: opened.channel.id,
    file: Buffer.from(file.content, "utf8"),
    filename: file.filename,
    title: file.title,
    initial_comment: file.initialComment,
  });
  const files = z
    .array(z.object({ files: z.array(z.object({ id: z.string() })).optional() }))
    .parse((result as { files?: unknown }).files ?? []);
  const id = files[0]?.files?.[0]?.id;
  if (!id) throw new Error("files.completeUploadExternal answered without a file");
  return id;
}
