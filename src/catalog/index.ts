export { isSiteRoot, ownHostsOf, qualityProblems } from "./gates.js";
export { type Catalog, CatalogError, loadCatalog, loadRegulations, makeCatalog } from "./load.js";
export { type Lookup, lookupProvider, normalise } from "./lookup.js";
export { type Resolution, type ResolveProblem, resolveProviders } from "./resolve.js";
export type {
  Caveat,
  Deadline,
  OptOut,
  PlatformSteps,
  PolicyDocument,
  Provider,
  RegulationEvent,
  RelatedSetting,
  Retention,
  Source,
  Step,
} from "./schema.js";
export { MAX_SEARCH_WORDS, type SearchHit, type SearchTerms, searchCatalog, searchTerms } from "./search.js";
export { DEFAULT_STALE_DAYS, staleProviders, staleSince } from "./stale.js";
