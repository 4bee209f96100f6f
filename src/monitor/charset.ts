import { TextDecoder } from "node:util";

/**
 * Bytes → string the way browsers pick the encoding: a byte-order mark wins, then the Content-Type
 * charset, then a <meta charset> / http-equiv declaration near the top, then UTF-8.
 *
 * A declaration that contradicts the bytes is not trusted: the HTML standard's prescan turns a <meta>
 * "utf-16" into UTF-8 ("determining the character encoding", step "If charset is UTF-16BE/LE, then set
 * charset to UTF-8"), because a page that could be read as ASCII to find the <meta> is not UTF-16. The same
 * check applies to a Content-Type charset of UTF-16 when the bytes carry no BOM and no NUL byte.
 * https://html.spec.whatwg.org/multipage/parsing.html#prescan-a-byte-stream-to-determine-its-encoding
 */
export function decodeHtml(body: Uint8Array, contentType: string | undefined): string {
  const bom = bomCharset(body);
  if (bom) return decoderFor(bom).decode(body);
  const header = plausible(headerCharset(contentType), body);
  const meta = header ? undefined : plausible(metaCharset(body), body, true);
  return decoderFor(header ?? meta ?? "utf-8").decode(body);
}

function bomCharset(body: Uint8Array): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return "utf-8";
  if (body[0] === 0xfe && body[1] === 0xff) return "utf-16be";
  if (body[0] === 0xff && body[1] === 0xfe) return "utf-16le";
  return undefined;
}

const UTF16 = /^(?:utf-?16(?:[bl]e)?|ucs-?2|unicode(?:fffe)?|iso-10646-ucs-2|csunicode)$/i;

/** A declared label, or UTF-8 when it names UTF-16 but the bytes are ASCII-compatible; unknown labels drop out. */
function plausible(label: string | undefined, body: Uint8Array, fromMeta = false): string | undefined {
  if (!label) return undefined;
  if (UTF16.test(label)) {
    // UTF-16 text of Latin-script HTML has a NUL in every other byte; ASCII-compatible bytes have none.
    const head = body.subarray(0, 1024);
    return fromMeta || !head.includes(0) ? "utf-8" : label;
  }
  return isKnown(label) ? label : undefined;
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

function isKnown(label: string): boolean {
  try {
    new TextDecoder(label.toLowerCase());
    return true;
  } catch {
    return false;
  }
}

function decoderFor(label: string): TextDecoder {
  try {
    return new TextDecoder(label.toLowerCase());
  } catch {
    return new TextDecoder("utf-8");
  }
}
