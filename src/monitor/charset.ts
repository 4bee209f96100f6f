import { TextDecoder } from "node:util";

/**
 * Bytes → string the way browsers pick the encoding: a byte-order mark wins, then the Content-Type
 * charset, then a <meta charset> / http-equiv declaration near the top, then UTF-8.
 */
export function decodeHtml(body: Uint8Array, contentType: string | undefined): string {
  const label = bomCharset(body) ?? headerCharset(contentType) ?? metaCharset(body) ?? "utf-8";
  return decoderFor(label).decode(body);
}

function bomCharset(body: Uint8Array): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return "utf-8";
  if (body[0] === 0xfe && body[1] === 0xff) return "utf-16be";
  if (body[0] === 0xff && body[1] === 0xfe) return "utf-16le";
  return undefined;
}

function headerCharset(contentType: string | undefined): string | undefined {
  const match = contentType?.match(/charset\s*=\s*["']?([\w.:-]+)/i);
  return match?.[1];
}

function metaCharset(body: Uint8Array): string | undefined {
  // The HTML spec's prescan looks at the first 1024 bytes; ASCII-compatible bytes are enough for that.
  const head = Buffer.from(body.subarray(0, 1024)).toString("latin1");
  const direct = head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i);
  return direct?.[1];
}

function decoderFor(label: string): TextDecoder {
  try {
    return new TextDecoder(label.toLowerCase());
  } catch {
    return new TextDecoder("utf-8");
  }
}
