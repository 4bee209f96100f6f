import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { z } from "zod";

/**
 * Checks a request to /slack/events before Bolt's HTTPReceiver reads it. Bolt verifies the signature but
 * refuses only stale timestamps, and it reads the parsed body without checking it is an object: a signed
 * `payload=null` (or a JSON `null` body) throws inside the receiver's un-awaited closure and ends the
 * process. Slack's rule (docs.slack.dev/authentication/verifying-requests-from-slack): the timestamp must be
 * within five minutes of now — a signature stamped in the future is refused too — and the signature is
 * `v0=` + HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`), compared in constant time.
 */
export type GuardResult = { ok: true } | { ok: false; status: 400 | 401; reason: string };

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const FORM = "application/x-www-form-urlencoded";

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === "string" ? v : undefined;
};

/**
 * The parts of a payload Bolt reads before any listener runs (its event-type detection and authorize
 * source): a JSON object; an Events API envelope carries an `event` object; interactive payloads carry
 * `user`/`team` objects when present, and block_actions an `actions` array (docs.slack.dev/reference/
 * interaction-payloads). Anything else of an object shape is Bolt's to ignore.
 */
const Id = z.object({ id: z.string() }).loose();
const Envelope = z.union([
  z.object({ type: z.literal("event_callback"), event: z.object({ type: z.string() }).loose() }).loose(),
  z.object({ type: z.literal("block_actions"), user: Id, actions: z.array(z.object({}).loose()) }).loose(),
  z
    .object({
      type: z.string().refine((t) => t !== "event_callback" && t !== "block_actions"),
      user: Id.optional(),
      team: Id.nullable().optional(),
    })
    .loose(),
  z.object({ type: z.undefined() }).loose(),
]);

function isEnvelope(text: string): boolean {
  try {
    return Envelope.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

export function guardSlackRequest(input: {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  signingSecret: string;
  nowMs: number;
}): GuardResult {
  const { headers, rawBody } = input;
  const text = rawBody.toString("utf8");
  // Bolt decides form vs JSON by this exact header value (HTTPModuleFunctions.parseHTTPRequestBody); so do we.
  const isForm = header(headers, "content-type") === FORM;
  const form = isForm ? parseQuery(text) : undefined;
  // Slack's ssl_check is unsigned; Bolt answers it and drops anything else in the body.
  if (form?.ssl_check === "1") return { ok: true };

  const stamp = header(headers, "x-slack-request-timestamp") ?? "";
  if (!/^\d{1,12}$/.test(stamp)) return { ok: false, status: 401, reason: "missing or malformed timestamp" };
  const skew = Math.abs(input.nowMs / 1000 - Number(stamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS)
    return { ok: false, status: 401, reason: `timestamp ${Math.round(skew)} s away from now (limit 300 s)` };

  const expected = Buffer.from(
    `v0=${createHmac("sha256", input.signingSecret).update(`v0:${stamp}:${text}`).digest("hex")}`,
  );
  const given = Buffer.from(header(headers, "x-slack-signature") ?? "");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, status: 401, reason: "signature mismatch" };

  if (form) {
    const payload = form.payload;
    if (payload === undefined) return { ok: true }; // slash commands: plain form fields
    if (typeof payload !== "string" || !isEnvelope(payload))
      return { ok: false, status: 400, reason: "payload is not a JSON object Slack would send" };
    return { ok: true };
  }
  return isEnvelope(text)
    ? { ok: true }
    : { ok: false, status: 400, reason: "body is not a JSON object Slack would send" };
}
