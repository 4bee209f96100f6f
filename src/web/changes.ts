import type { Catalog, PolicyDocument, Provider } from "../catalog/index.js";
import type { DocumentVersion, Store, VersionSummary } from "../store/index.js";

/**
 * The public record of policy changes, read through the store's document repository. A change is a
 * version that is not a silent baseline; its id is the version id. Only public page text and times are
 * read here: nothing about subscriptions, channels or people.
 */

export interface ChangeSummary {
  readonly id: number;
  readonly provider: Provider;
  readonly document: PolicyDocument;
  readonly detectedAt: Date;
  readonly effectiveDate: string | null;
  readonly hash: string;
}

export interface ChangeDetail extends ChangeSummary {
  readonly version: DocumentVersion;
  readonly previous: DocumentVersion;
  readonly previousChangeId: number | undefined;
  readonly nextChangeId: number | undefined;
}

/** How many versions per document the feeds and neighbour links look at (the store's history page size). */
const VERSIONS_PER_DOCUMENT = 50;

type Documents = Pick<Store["documents"], "versions" | "version" | "previousVersion">;

const summaryOf = (provider: Provider, document: PolicyDocument, v: VersionSummary): ChangeSummary => ({
  id: v.id,
  provider,
  document,
  detectedAt: v.firstSeenAt,
  effectiveDate: v.effectiveDate,
  hash: v.hash,
});

/** One document's changes, oldest first. */
async function documentChanges(
  documents: Documents,
  provider: Provider,
  document: PolicyDocument,
): Promise<ChangeSummary[]> {
  const versions = await documents.versions(document.id, VERSIONS_PER_DOCUMENT);
  return versions
    .filter((v) => !v.baseline)
    .map((v) => summaryOf(provider, document, v))
    .sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime() || a.id - b.id);
}

/** Every change of the catalog's documents (or one provider's), newest first. */
export async function listChanges(
  documents: Documents,
  catalog: Catalog,
  providerId?: string,
): Promise<ChangeSummary[]> {
  const providers = providerId
    ? catalog.providers.filter((p) => p.id === providerId)
    : [...catalog.providers];
  const all: ChangeSummary[] = [];
  for (const provider of providers)
    for (const document of provider.documents)
      all.push(...(await documentChanges(documents, provider, document)));
  return all.sort((a, b) => b.detectedAt.getTime() - a.detectedAt.getTime() || b.id - a.id);
}

function findDocument(catalog: Catalog, providerId: string, documentId: string) {
  const provider = catalog.byId(providerId);
  const document = provider?.documents.find((d) => d.id === documentId);
  return provider && document ? { provider, document } : undefined;
}

/** A change with both texts and its neighbours in the same document's history, or undefined. */
export async function loadChange(
  documents: Documents,
  catalog: Catalog,
  id: number,
): Promise<ChangeDetail | undefined> {
  const version = await documents.version(id);
  if (!version || version.baseline) return undefined;
  // A document dropped from the catalog is no longer shown: its title and live link are gone with it.
  const found = findDocument(catalog, version.providerId, version.documentId);
  if (!found) return undefined;
  const previous = await documents.previousVersion(version.documentId, version.id);
  if (!previous) return undefined;
  const history = await documentChanges(documents, found.provider, found.document);
  const at = history.findIndex((c) => c.id === id);
  return {
    ...summaryOf(found.provider, found.document, { ...version, chars: version.text.length }),
    version,
    previous,
    previousChangeId: at > 0 ? history[at - 1]?.id : undefined,
    nextChangeId: at >= 0 ? history[at + 1]?.id : undefined,
  };
}
