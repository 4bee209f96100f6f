import type { IncomingMessage, ServerResponse } from "node:http";

/** A file shared with files.completeUploadExternal (the last step of web-api's files.uploadV2). */
export interface UploadedFile {
  id: string;
  filename: string;
  title: string | undefined;
  /** Where it was shared (channel_id), undefined for a private file. */
  channel: string | undefined;
  initialComment: string | undefined;
  /** The length files.getUploadURLExternal was told, and the bytes POSTed to the upload URL. */
  declaredLength: number;
  content: Buffer;
}

/**
 * The fake's side of web-api's files.uploadV2: files.getUploadURLExternal hands out an upload URL, the bytes
 * are POSTed to it, files.completeUploadExternal shares what arrived.
 */
export class FakeFileUploads {
  /** Files shared, in completion order. */
  readonly files: UploadedFile[] = [];
  /** Upload URLs handed out and not completed yet: file ID → name, declared length, bytes received. */
  private readonly pending = new Map<string, { filename: string; length: number; content?: Buffer }>();

  /**
   * files.getUploadURLExternal (docs.slack.dev/reference/methods/files.getUploadURLExternal): `filename` and
   * `length` (bytes) are required; the answer is a one-off upload URL and the new file's ID.
   */
  uploadUrl(args: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
    const filename = typeof args.filename === "string" ? args.filename : "";
    const length = Number(args.length);
    if (!filename || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: "invalid_arguments" };
    const id = `F${String(this.pending.size + this.files.length + 1).padStart(8, "0")}`;
    this.pending.set(id, { filename, length });
    return { ok: true, upload_url: `${baseUrl}/upload/${id}`, file_id: id };
  }

  /** The bytes POSTed to an upload URL: raw, or a multipart form's file part (what web-api sends). */
  async receive(id: string, bytes: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upload = this.pending.get(id);
    if (!upload || req.method !== "POST") {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    const type = req.headers["content-type"] ?? "";
    let content = bytes;
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(new Uint8Array(bytes), {
        headers: { "content-type": type },
      }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== "string");
      content = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    upload.content = content;
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`OK - ${content.length}`);
  }

  /**
   * files.completeUploadExternal (docs.slack.dev/reference/methods/files.completeUploadExternal): `files` is a
   * JSON array of `{ id, title }` (given here parsed); each must have been uploaded, with exactly the length
   * announced.
   */
  complete(files: unknown, args: Record<string, unknown>): Record<string, unknown> {
    if (!Array.isArray(files) || files.length === 0) return { ok: false, error: "invalid_arguments" };
    const done: UploadedFile[] = [];
    for (const item of files as { id?: unknown; title?: unknown }[]) {
      const id = String(item.id ?? "");
      const upload = this.pending.get(id);
      if (!upload?.content || upload.content.length !== upload.length)
        return { ok: false, error: "file_not_found" };
      done.push({
        id,
        filename: upload.filename,
        title: typeof item.title === "string" ? item.title : undefined,
        channel: typeof args.channel_id === "string" ? args.channel_id : undefined,
        initialComment: typeof args.initial_comment === "string" ? args.initial_comment : undefined,
        declaredLength: upload.length,
        content: upload.content,
      });
    }
    for (const file of done) {
      this.pending.delete(file.id);
      this.files.push(file);
    }
    return {
      ok: true,
      files: done.map((f) => ({ id: f.id, title: f.title ?? f.filename, name: f.filename })),
    };
  }
}
