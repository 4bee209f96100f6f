import { normalise } from "./lookup.js";
import type { Provider, Source } from "./schema.js";

/**
 * Catalog quality gates: mistakes a schema cannot see but a person reading the answer would. They run in
 * `ai-privacy catalog validate` and over the built-in catalog in the test suite, so CI fails on them.
 * Pure: plain providers and `today` (YYYY-MM-DD) in, operator-readable problems out.
 */

/** Hosts of sources that only collect or summarise others (the sheets' grade [3] and the like). */
const isWeakSource = (s: Source): boolean => s.grade === "aggregator" || isSiteRoot(s.url);

/** A URL with no path is a site root: the fact sheet did not record the article's address. */
export function isSiteRoot(url: string): boolean {
  try {
    const { pathname, search } = new URL(url);
    return (pathname === "/" || pathname === "") && search === "";
  } catch {
    return false;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const onHost = (host: string, own: readonly string[]) =>
  own.some((h) => host === h || host.endsWith(`.${h}`));

/**
 * The hosts a provider owns: its declared `ownHosts`, else (overlay entries that declare none) the hosts
 * of its own policy documents, which the operator chose as the provider's pages.
 */
export function ownHostsOf(p: Provider): string[] {
  if (p.ownHosts.length) return p.ownHosts;
  return [...new Set(p.documents.map((d) => hostOf(d.url)).filter((h): h is string => Boolean(h)))];
}

/** Every string that sits in a YAML list, with where it is: a list split on a comma leaves half a bracket. */
function listItems(value: unknown, path: string, out: { path: string; text: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === "string") out.push({ path: `${path}[${i}]`, text: item });
      else listItems(item, `${path}[${i}]`, out);
    });
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) listItems(v, path ? `${path}.${k}` : k, out);
  }
}

function unbalanced(text: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[" };
  for (const ch of text) {
    if (ch === "(" || ch === "[") stack.push(ch);
    else if (ch === ")" || ch === "]") {
      if (stack.pop() !== pairs[ch]) return true;
    }
  }
  return stack.length > 0;
}

export function unbalancedListItems(p: Provider): string[] {
  const items: { path: string; text: string }[] = [];
  listItems(p, "", items);
  return items
    .filter((i) => unbalanced(i.text))
    .map(
      (i) =>
        `${i.path}: "${i.text}" has an unbalanced bracket; a YAML flow list splits on commas, so quote the item or use a block list`,
    );
}

/** A `strong` entry's core facts must rest on at least one source that is neither an aggregator nor a site root. */
export function strongOnWeakSources(p: Provider): string[] {
  if (p.confidence !== "strong") return [];
  const byId = new Map(p.sources.map((s) => [s.id, s]));
  const facts: [string, readonly string[] | undefined][] = [
    ["trainsByDefault", p.trainsByDefault?.sources],
    ["optOut", p.optOut?.sources],
    ...(p.optOut?.platforms ?? []).map(
      (pl, i) => [`optOut.platforms[${i}]`, pl.sources] as [string, readonly string[]],
    ),
  ];
  const problems: string[] = [];
  for (const [where, refs] of facts) {
    if (!refs?.length) continue;
    const sources = refs.map((r) => byId.get(r)).filter((s): s is Source => Boolean(s));
    if (sources.every(isWeakSource))
      problems.push(
        `${where}: confidence is strong but its only sources (${refs.join(", ")}) are aggregators or site roots without an article address; add a primary or press source, or lower confidence`,
      );
  }
  return problems;
}

export function officialOffHost(p: Provider): string[] {
  const own = ownHostsOf(p);
  const problems: string[] = [];
  p.sources.forEach((s, i) => {
    const host = hostOf(s.url);
    if (s.grade === "official" && host && !onHost(host, own))
      problems.push(
        `sources[${i}] (${s.id}): graded official but ${host} is not one of ${p.id}'s own hosts (${own.join(", ") || "none declared in ownHosts"}); grade a mirror or third-party page by what it is`,
      );
  });
  const settings = p.optOut?.settingsUrl;
  const settingsHost = settings ? hostOf(settings) : undefined;
  if (settingsHost && !onHost(settingsHost, own))
    problems.push(
      `optOut.settingsUrl: ${settingsHost} is not one of ${p.id}'s own hosts (${own.join(", ") || "none declared in ownHosts"}); a settings button must open the provider's own site`,
    );
  return problems;
}

export function dateProblems(p: Provider, today: string): string[] {
  const problems: string[] = [];
  if (p.lastReviewed && p.lastReviewed > today)
    problems.push(`lastReviewed: ${p.lastReviewed} is in the future (today is ${today})`);
  p.sources.forEach((s, i) => {
    for (const field of ["checked", "cited"] as const) {
      const date = s[field];
      if (date && date > today)
        problems.push(`sources[${i}].${field}: ${date} is in the future (today is ${today})`);
    }
  });
  for (let i = 1; i < p.deadlines.length; i++) {
    const prev = p.deadlines[i - 1];
    const cur = p.deadlines[i];
    if (prev && cur && cur.date < prev.date)
      problems.push(
        `deadlines[${i}]: ${cur.date} comes before deadlines[${i - 1}] (${prev.date}); list dated events in date order`,
      );
  }
  return problems;
}

/** Two providers answering to the same name would make one of them unreachable by that name. */
export function duplicateAliases(providers: readonly Provider[]): string[] {
  const owner = new Map<string, { provider: string; name: string }>();
  const problems: string[] = [];
  for (const p of providers) {
    const names = [...new Set([p.id, p.name, ...p.aliases])];
    const mine = new Set<string>();
    for (const name of names) {
      const key = normalise(name);
      if (!key || mine.has(key)) continue;
      mine.add(key);
      const other = owner.get(key);
      if (other && other.provider !== p.id)
        problems.push(
          `${p.id}: the name "${name}" is also used by ${other.provider} ("${other.name}"); names and aliases must be unique across providers`,
        );
      else owner.set(key, { provider: p.id, name });
    }
  }
  return problems;
}

/** Every gate over a whole catalog, each problem prefixed with the provider it concerns. */
export function qualityProblems(providers: readonly Provider[], today: string): string[] {
  const perProvider = providers.flatMap((p) =>
    [
      ...unbalancedListItems(p),
      ...strongOnWeakSources(p),
      ...officialOffHost(p),
      ...dateProblems(p, today),
    ].map((problem) => `${p.id}: ${problem}`),
  );
  return [...perProvider, ...duplicateAliases(providers)];
}
