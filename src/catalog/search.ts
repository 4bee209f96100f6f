import type { Catalog } from "./load.js";
import type { Provider } from "./schema.js";

export interface SearchHit {
  provider: Provider;
  /** Short excerpts (plain text from the catalog) around each match. */
  excerpts: string[];
}

/** Every user-visible sentence of a provider's entry, so search finds what answers show. */
function sentencesOf(p: Provider): string[] {
  return [
    p.summary,
    p.trainsByDefault?.detail,
    p.optOut?.label,
    ...(p.optOut?.alternateLabels ?? []),
    ...(p.optOut?.platforms.flatMap((pl) => pl.steps.map((s) => s.text)) ?? []),
    ...(p.optOut?.notes ?? []),
    ...p.notCovered.map((c) => c.text),
    p.retention?.withTraining && `Retention with training: ${p.retention.withTraining}`,
    p.retention?.withoutTraining && `Retention without training: ${p.retention.withoutTraining}`,
    ...(p.retention?.notes ?? []),
    ...p.deadlines.map((d) => `${d.date}: ${d.title}${d.detail ? `. ${d.detail}` : ""}`),
    ...p.uncertainties,
    ...(p.tiers
      ? [`Covered: ${p.tiers.covered.join(", ")}`, `Excluded: ${p.tiers.excluded.join(", ")}`]
      : []),
  ].filter((s): s is string => Boolean(s));
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, " ");

/** Providers whose entry mentions all the words (or the exact phrase), best first. */
export function searchCatalog(catalog: Catalog, query: string, maxExcerpts = 2): SearchHit[] {
  const phrase = fold(query).trim();
  const words = phrase.split(" ").filter((w) => w.length > 0);
  if (!words.length) return [];
  const hits: { hit: SearchHit; score: number }[] = [];
  for (const provider of catalog.providers) {
    const sentences = sentencesOf(provider);
    const matching = sentences.filter((s) => words.every((w) => fold(s).includes(w)));
    const phraseMatches = matching.filter((s) => fold(s).includes(phrase));
    const nameMatch = words.every((w) => fold(`${provider.name} ${provider.vendor ?? ""}`).includes(w));
    if (!matching.length && !nameMatch) continue;
    const ordered = [...phraseMatches, ...matching.filter((s) => !phraseMatches.includes(s))];
    hits.push({
      hit: { provider, excerpts: ordered.slice(0, maxExcerpts) },
      score: phraseMatches.length * 10 + matching.length + (nameMatch ? 100 : 0),
    });
  }
  return hits
    .sort((a, b) => b.score - a.score || a.hit.provider.name.localeCompare(b.hit.provider.name))
    .map((h) => h.hit);
}
