import type { Catalog } from "./load.js";
import type { Provider } from "./schema.js";

export interface SearchHit {
  provider: Provider;
  /** Short excerpts (plain text from the catalog) around each match. */
  excerpts: string[];
}

/**
 * At most this many distinct words of a query are matched: a real question has a handful, and every extra
 * word costs one scan of every sentence. A query of 1,000 one-letter words would otherwise cost ~300 ms of
 * CPU on the event loop that acknowledges Slack (issue 8, item 10).
 */
export const MAX_SEARCH_WORDS = 8;

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

interface IndexedProvider {
  readonly provider: Provider;
  readonly sentences: readonly { readonly text: string; readonly folded: string }[];
  readonly name: string;
}

/** The catalog is immutable once loaded: its folded sentences are computed once per catalog object. */
const indexes = new WeakMap<Catalog, readonly IndexedProvider[]>();

function indexOf(catalog: Catalog): readonly IndexedProvider[] {
  let index = indexes.get(catalog);
  if (!index) {
    index = catalog.providers.map((provider) => ({
      provider,
      sentences: sentencesOf(provider).map((text) => ({ text, folded: fold(text) })),
      name: fold(`${provider.name} ${provider.vendor ?? ""}`),
    }));
    indexes.set(catalog, index);
  }
  return index;
}

export interface SearchTerms {
  /** Distinct words that are matched, in query order. */
  readonly words: readonly string[];
  /** How many words of the query were not used (repeats, single letters, beyond the cap). */
  readonly ignored: number;
}

/**
 * The words a query is matched on: distinct, at least two characters unless a digit ("5 years"), and at
 * most MAX_SEARCH_WORDS of them. A single letter matches nearly every sentence and narrows nothing.
 */
export function searchTerms(query: string): SearchTerms {
  const all = fold(query)
    .trim()
    .split(" ")
    .filter((w) => w.length > 0);
  const words: string[] = [];
  for (const word of all) {
    if (words.length >= MAX_SEARCH_WORDS) break;
    if ((word.length >= 2 || /\d/.test(word)) && !words.includes(word)) words.push(word);
  }
  return { words, ignored: all.length - words.length };
}

/** Providers whose entry mentions all the words (or the exact phrase), best first. */
export function searchCatalog(catalog: Catalog, query: string, maxExcerpts = 2): SearchHit[] {
  const { words, ignored } = searchTerms(query);
  if (!words.length) return [];
  // The phrase bonus only means something for the query as typed; a trimmed query has no such phrase.
  const phrase = ignored === 0 ? words.join(" ") : undefined;
  const hits: { hit: SearchHit; score: number }[] = [];
  for (const { provider, sentences, name } of indexOf(catalog)) {
    const matching = sentences.filter((s) => words.every((w) => s.folded.includes(w)));
    const phraseMatches = phrase ? matching.filter((s) => s.folded.includes(phrase)) : [];
    const nameMatch = words.every((w) => name.includes(w));
    if (!matching.length && !nameMatch) continue;
    const ordered = [...phraseMatches, ...matching.filter((s) => !phraseMatches.includes(s))];
    hits.push({
      hit: { provider, excerpts: ordered.slice(0, maxExcerpts).map((s) => s.text) },
      score: phraseMatches.length * 10 + matching.length + (nameMatch ? 100 : 0),
    });
  }
  return hits
    .sort((a, b) => b.score - a.score || a.hit.provider.name.localeCompare(b.hit.provider.name))
    .map((h) => h.hit);
}
