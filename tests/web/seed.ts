import { textHash } from "../../src/monitor/index.js";
import type { Store } from "../../src/store/index.js";

/**
 * A store with three versions of Claude's consumer terms (a baseline and two changes) whose text is
 * hostile on purpose, plus private rows (a subscription, an outbox message) that must never reach the web.
 */

export const HOSTILE = `<script>window.__pwned = 1</script> "><img src=x onerror="window.__pwned=2"> <!channel> & <b>bold</b>`;
export const SECRET_CHANNEL = "C0SECRETCH";
export const SECRET_USER = "U0SECRETUS";

const paragraphs = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `Section ${i + 1} of the ${tag} terms says nothing new about this.`);

export const V1 = [
  "# Consumer Terms",
  "We retain your chats for 30 days after you delete them.",
  ...paragraphs(12, "consumer"),
  "You can opt out of model training in Privacy Settings.",
  ...paragraphs(12, "closing"),
].join("\n");

export const V2 = [
  "# Consumer Terms",
  "We retain your chats for 5 years when you allow model training.",
  ...paragraphs(12, "consumer"),
  "You can opt out of model training in Privacy Settings.",
  `A new paragraph quoting ${HOSTILE} for good measure.`,
  ...paragraphs(12, "closing"),
].join("\n");

export const V3 = V2.replace(
  "You can opt out of model training in Privacy Settings.",
  "Training is on by default.",
);

export const DOCUMENT_ID = "anthropic-consumer-terms";

export interface Seeded {
  baselineId: number;
  firstChangeId: number;
  secondChangeId: number;
}

export async function seedStore(store: Store): Promise<Seeded> {
  const record = async (text: string, at: string, baseline: boolean, effectiveDate: string | null = null) =>
    (
      await store.documents.recordVersion(
        {
          documentId: DOCUMENT_ID,
          providerId: "claude",
          hash: textHash(text),
          rawHash: textHash(`<main>${text}</main>`),
          text,
          effectiveDate,
          baseline,
        },
        new Date(at),
      )
    ).version.id;
  const baselineId = await record(V1, "2026-01-05T06:17:00Z", true);
  const firstChangeId = await record(V2, "2026-02-10T12:17:00Z", false, "2026-03-01");
  const secondChangeId = await record(V3, "2026-03-02T18:17:00Z", false);
  await store.subscriptions.upsert({
    teamId: "T0SECRET",
    channelId: SECRET_CHANNEL,
    providerId: "claude",
    kinds: ["changes"],
    createdBy: SECRET_USER,
    now: new Date("2026-01-01T00:00:00Z"),
  });
  return { baselineId, firstChangeId, secondChangeId };
}

/** A fourth version, two weeks after the third: a later change for the neighbour links. */
export async function recordNextChange(store: Store): Promise<number> {
  const text = `${V3}\nOne more closing paragraph about sharing with third parties.`;
  const { version } = await store.documents.recordVersion(
    {
      documentId: DOCUMENT_ID,
      providerId: "claude",
      hash: textHash(text),
      rawHash: textHash(`<main>${text}</main>`),
      text,
      effectiveDate: null,
      baseline: false,
    },
    new Date("2026-03-16T18:17:00Z"),
  );
  return version.id;
}
