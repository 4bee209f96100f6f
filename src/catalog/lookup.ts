import { distance } from "fastest-levenshtein";
import type { Catalog } from "./load.js";
import type { Provider } from "./schema.js";

export type Lookup =
  | { kind: "found"; provider: Provider }
  | { kind: "ambiguous"; candidates: Provider[] }
  | { kind: "unknown"; suggestions: Provider[] };

/** Case-, space- and punctuation-insensitive key: "Chat GPT" and "chatgpt" are the same. */
export const normalise = (s: string): string =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]/g, "");

const keyCache = new WeakMap<Provider, string[]>();

/** A provider's normalised names; computed once per provider object (the catalog never changes in place). */
function keysOf(p: Provider): string[] {
  let keys = keyCache.get(p);
  if (!keys) {
    keys = [p.id, p.name, ...p.aliases, ...(p.vendor ? [p.vendor] : [])].map(normalise).filter(Boolean);
    keyCache.set(p, keys);
  }
  return keys;
}

const uniqueProviders = (ps: Provider[]) => [...new Map(ps.map((p) => [p.id, p])).values()];

function decide(matches: Provider[]): Lookup | undefined {
  const unique = uniqueProviders(matches);
  if (unique.length === 1) return { kind: "found", provider: unique[0]! };
  if (unique.length > 1) return { kind: "ambiguous", candidates: unique };
  return undefined;
}

/**
 * Finds a provider by name, alias, id or vendor. Exact keys win; then a key that contains the query as a
 * whole word-ish part ("copilot" → two Copilots: ambiguous); then typo tolerance by edit distance
 * ("claud", "chatgtp"). Nothing close → the nearest few as suggestions.
 */
export function lookupProvider(catalog: Catalog, query: string): Lookup {
  const q = normalise(query);
  if (!q) return { kind: "unknown", suggestions: [] };
  const all = catalog.providers;

  const exact = decide(all.filter((p) => keysOf(p).includes(q)));
  if (exact) return exact;

  if (q.length >= 3) {
    const partial = decide(all.filter((p) => keysOf(p).some((k) => k.startsWith(q) || k.endsWith(q))));
    if (partial) return partial;
  }

  const scored = all
    .map((p) => ({ p, d: Math.min(...keysOf(p).map((k) => distance(q, k))) }))
    .sort((a, b) => a.d - b.d || a.p.name.localeCompare(b.p.name));
  const tolerance = q.length <= 4 ? 1 : q.length <= 8 ? 2 : 3;
  const best = scored[0];
  if (best && best.d <= tolerance) {
    const tied = scored.filter((s) => s.d === best.d).map((s) => s.p);
    return decide(tied) ?? { kind: "unknown", suggestions: [] };
  }
  return { kind: "unknown", suggestions: scored.slice(0, 3).map((s) => s.p) };
}
