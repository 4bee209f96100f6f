import type { Catalog, PolicyDocument, Provider } from "../catalog/index.js";
import type { DocumentState, Store, VersionSummary } from "../store/index.js";
import type { CheckResult } from "./check.js";
import { unifiedDiff } from "./diff.js";

/** Read-side helpers for the command line (`check`, `history`, `diff`) and for `list` / answers. */

export class MonitorLookupError extends Error {
  override name = "MonitorLookupError";
}

/** One human line per checked document, for `ai-privacy check`. */
export function formatCheckLine(result: CheckResult): string {
  const id = `${result.providerId}/${result.documentId}`;
  const details: string[] = [];
  if (result.status === "failed" && result.error) details.push(result.error);
  if (result.effectiveDate) details.push(`effective ${result.effectiveDate}`);
  if (result.status === "changed") {
    details.push(
      result.seenBefore
        ? "back to a version seen before (not announced)"
        : `${result.highlights.length} highlights`,
    );
  }
  if (result.notModified) details.push("not modified");
  return `${id.padEnd(48)} ${result.status.padEnd(9)} ${details.join("; ")}`.trimEnd();
}

/** One JSON object per line, for `ai-privacy check --json`. */
export function formatCheckJson(result: CheckResult): string {
  return JSON.stringify(result);
}

export interface DocumentHistory {
  providerId: string;
  documentId: string;
  title: string;
  url: string;
  state: DocumentState | undefined;
  versions: VersionSummary[];
}

function findProvider(catalog: Catalog, providerId: string): Provider {
  const provider = catalog.byId(providerId);
  if (!provider) throw new MonitorLookupError(`no provider "${providerId}" in the catalog`);
  return provider;
}

/** Versions of one provider's documents (or one of them), newest first. */
export async function documentHistory(
  store: Store,
  catalog: Catalog,
  providerId: string,
  documentId?: string,
): Promise<DocumentHistory[]> {
  const provider = findProvider(catalog, providerId);
  let documents: readonly PolicyDocument[] = provider.documents;
  if (documentId) {
    documents = documents.filter((d) => d.id === documentId);
    if (documents.length === 0) {
      const known = provider.documents.map((d) => d.id).join(", ") || "none";
      throw new MonitorLookupError(`${provider.name} has no document "${documentId}" (documents: ${known})`);
    }
  }
  return Promise.all(
    documents.map(async (d) => ({
      providerId: provider.id,
      documentId: d.id,
      title: d.title,
      url: d.url,
      state: await store.documents.state(d.id),
      versions: await store.documents.versions(d.id),
    })),
  );
}

export function formatHistory(histories: readonly DocumentHistory[]): string {
  const out: string[] = [];
  for (const h of histories) {
    out.push(`${h.providerId}/${h.documentId} — ${h.title}`, `  ${h.url}`);
    if (h.state?.lastStatus === "failed") {
      const kind =
        h.state.failureMayBeTransient === null
          ? ""
          : h.state.failureMayBeTransient
            ? " (may be transient)"
            : " (permanent)";
      out.push(`  unreadable for ${h.state.failures} checks: ${h.state.lastError ?? "unknown error"}${kind}`);
    }
    if (h.versions.length === 0) out.push("  no version recorded yet");
    for (const v of h.versions) {
      const when = v.firstSeenAt.toISOString().replace(/\.\d+Z$/, "Z");
      const notes = [
        `${v.chars} chars`,
        v.effectiveDate ? `effective ${v.effectiveDate}` : undefined,
        v.baseline ? "baseline" : undefined,
        h.state?.versionId === v.id ? "current" : undefined,
      ].filter(Boolean);
      out.push(`  #${v.id}  ${when}  ${v.hash.slice(0, 12)}  ${notes.join(", ")}`);
    }
    out.push("");
  }
  return out.join("\n").trimEnd();
}

/**
 * Unified diff between two versions of a document. `from`/`to` are version numbers (as shown by
 * `history`) or hash prefixes; by default the current version against the one before it.
 */
export async function documentDiff(
  store: Store,
  documentId: string,
  fromId?: string,
  toId?: string,
): Promise<string> {
  const find = async (ref: string) => {
    const version = await store.documents.findVersion(documentId, ref);
    if (!version)
      throw new MonitorLookupError(`${documentId} has no version "${ref}" (see \`ai-privacy history\`)`);
    return version;
  };
  const currentId =
    (await store.documents.state(documentId))?.versionId ??
    (await store.documents.versions(documentId, 1))[0]?.id;
  if (!toId && currentId === undefined) {
    return `${documentId}: no version recorded yet (is it in the catalog, and has \`ai-privacy check\` run?)`;
  }
  const toVersion = await find(toId ?? String(currentId));
  const fromVersion = fromId
    ? await find(fromId)
    : await store.documents.previousVersion(documentId, toVersion.id);
  if (!fromVersion) return `${documentId}: only one version recorded (#${toVersion.id}); nothing to compare.`;
  const label = (v: { id: number; firstSeenAt: Date }) =>
    `${documentId}#${v.id} (${v.firstSeenAt.toISOString()})`;
  return unifiedDiff(
    { label: label(fromVersion), text: fromVersion.text },
    { label: label(toVersion), text: toVersion.text },
  );
}

/** Providers whose opt-out article changed since the catalog's steps were last checked. */
export async function needsReview(store: Store): Promise<Map<string, { documentId: string; since: Date }>> {
  const flags = await store.documents.reviewFlags();
  return new Map(flags.map((f) => [f.providerId, { documentId: f.documentId, since: f.since }]));
}

/** Clears the flag once a lead has checked the steps; true when there was one. */
export function clearNeedsReview(store: Store, providerId: string): Promise<boolean> {
  return store.documents.clearReview(providerId);
}
