import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Tokens at rest: AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit IV per value and the 128-bit
 * authentication tag, so a tampered or swapped value fails to open instead of yielding garbage. The format
 * is versioned — `v1.<iv>.<tag>.<ciphertext>`, each part base64url — so a later key rotation or cipher
 * change can read old rows. The key is INSTALLATION_ENCRYPTION_KEY (32 bytes, base64 or hex).
 */

const VERSION = "v1";
const IV_BYTES = 12;
const KEY_BYTES = 32;

export type KeyParse = { ok: true; key: Buffer } | { ok: false; problem: string };

export const KEY_ADVICE =
  "must be 32 random bytes, base64 or hex — generate one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\"";

/** 64 hex digits, or base64/base64url of exactly 32 bytes. */
export function parseEncryptionKey(raw: string): KeyParse {
  const text = raw.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return { ok: true, key: Buffer.from(text, "hex") };
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text, "base64");
    if (key.length === KEY_BYTES) return { ok: true, key };
  }
  return { ok: false, problem: KEY_ADVICE };
}

export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
  return [VERSION, ...parts].join(".");
}

export class SealError extends Error {
  override name = "SealError";
}

/** Throws SealError for an unknown version, a malformed value or a wrong key (the tag does not verify). */
export function unseal(key: Buffer, sealed: string): string {
  const [version, iv, tag, body, ...rest] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined || rest.length)
    throw new SealError("a stored token is not in a format this release reads (expected v1)");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new SealError(
      "a stored token cannot be decrypted: INSTALLATION_ENCRYPTION_KEY is not the key it was stored with",
    );
  }
}
