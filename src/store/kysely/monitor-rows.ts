import { z } from "zod";
import type { BrokenLink, DocumentState, DocumentVersion, ReviewFlag, VersionSummary } from "../monitor.js";
import { bool, time, timeOrNull } from "./rows.js";

/** The monitor tables' rows as the domain's types, validated as they are read. */
export const StateRow = z
  .object({
    document_id: z.string(),
    provider_id: z.string(),
    url: z.string(),
    rules_key: z.string().nullable(),
    etag: z.string().nullable(),
    last_modified: z.string().nullable(),
    raw_hash: z.string().nullable(),
    text_hash: z.string().nullable(),
    version_id: z.number().nullable(),
    failures: z.number().int().nonnegative(),
    failing_since: timeOrNull,
    last_error: z.string().nullable(),
    failure_may_be_transient: bool.nullable(),
    notified_failure: bool,
    last_status: z.enum(["new", "unchanged", "changed", "failed"]).nullable(),
    last_checked_at: timeOrNull,
  })
  .transform(
    (r): DocumentState => ({
      documentId: r.document_id,
      providerId: r.provider_id,
      url: r.url,
      rulesKey: r.rules_key,
      etag: r.etag,
      lastModified: r.last_modified,
      rawHash: r.raw_hash,
      textHash: r.text_hash,
      versionId: r.version_id,
      failures: r.failures,
      failingSince: r.failing_since,
      lastError: r.last_error,
      failureMayBeTransient: r.failure_may_be_transient,
      notifiedFailure: r.notified_failure,
      lastStatus: r.last_status,
      lastCheckedAt: r.last_checked_at,
    }),
  );

const summaryColumns = {
  id: z.number(),
  document_id: z.string(),
  provider_id: z.string(),
  hash: z.string(),
  raw_hash: z.string(),
  first_seen_at: time,
  last_seen_at: time,
  effective_date: z.string().nullable(),
  baseline: bool,
};

const toSummary = (r: z.infer<z.ZodObject<typeof summaryColumns>>) => ({
  id: r.id,
  documentId: r.document_id,
  providerId: r.provider_id,
  hash: r.hash,
  rawHash: r.raw_hash,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
  effectiveDate: r.effective_date,
  baseline: r.baseline,
});

export const VersionRow = z
  .object({ ...summaryColumns, text: z.string() })
  .transform((r): DocumentVersion => ({ ...toSummary(r), text: r.text }));
export const SummaryRow = z
  .object({ ...summaryColumns, chars: z.number() })
  .transform((r): VersionSummary => ({ ...toSummary(r), chars: r.chars }));
export const RawRow = z.object({
  document_id: z.string(),
  raw_hash: z.string(),
  body: z.instanceof(Buffer),
  fetched_at: time,
});
export const ReviewRow = z
  .object({
    provider_id: z.string(),
    document_id: z.string(),
    version_id: z.number().nullable(),
    since: time,
  })
  .transform(
    (r): ReviewFlag => ({
      providerId: r.provider_id,
      documentId: r.document_id,
      versionId: r.version_id,
      since: r.since,
    }),
  );
export const BrokenLinkRow = z
  .object({ provider_id: z.string(), url: z.string(), reason: z.string(), since: time })
  .transform(
    (r): BrokenLink => ({ providerId: r.provider_id, url: r.url, reason: r.reason, since: r.since }),
  );

export const readVersion = (row: unknown) => (row === undefined ? undefined : VersionRow.parse(row));
