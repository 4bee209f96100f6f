import type { Catalog } from "./load.js";
import { lookupProvider, normalise } from "./lookup.js";
import type { Provider } from "./schema.js";

/** A word (or phrase) that names no single provider, with what the catalog offers instead. */
export type ResolveProblem =
  | { kind: "ambiguous"; word: string; candidates: Provider[] }
  | { kind: "unknown"; word: string; suggestions: Provider[] };

export interface Resolution {
  providers: Provider[];
  problems: ResolveProblem[];
}

/** The longest provider name in words ("reddit stack overflow" is three); longer phrases are never tried. */
const MAX_SPAN = 4;

const namesOf = (p: Provider) => [p.id, p.name, ...p.aliases].map(normalise);

/**
 * The one provider resolver every verb uses (`steps`, `subscribe`, `unsubscribe`, `remind`, `status`):
 * words → providers, multi-word names first and longest first ("chat gpt", "microsoft copilot"), so a
 * two-word name never falls apart into two ambiguous single words. A phrase of several words must name a
 * provider exactly; typo tolerance (`claud`) is for single words, where it cannot swallow a neighbour.
 */
export function resolveProviders(catalog: Catalog, words: readonly string[]): Resolution {
  const found = new Map<string, Provider>();
  const problems: ResolveProblem[] = [];
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    for (let span = Math.min(MAX_SPAN, words.length - i); span >= 1 && !matched; span -= 1) {
      const phrase = words.slice(i, i + span).join(" ");
      const hit = lookupProvider(catalog, phrase);
      if (hit.kind === "found" && (span === 1 || namesOf(hit.provider).includes(normalise(phrase)))) {
        found.set(hit.provider.id, hit.provider);
        matched = span;
      }
    }
    if (matched) {
      i += matched;
      continue;
    }
    const word = words[i]!;
    const miss = lookupProvider(catalog, word);
    if (miss.kind === "ambiguous") problems.push({ kind: "ambiguous", word, candidates: miss.candidates });
    else if (miss.kind === "unknown") problems.push({ kind: "unknown", word, suggestions: miss.suggestions });
    i += 1;
  }
  return { providers: [...found.values()], problems };
}
