export { type Catalog, CatalogError, loadCatalog, makeCatalog } from "./load.js";
export { type Lookup, lookupProvider, normalise } from "./lookup.js";
export { type Resolution, type ResolveProblem, resolveProviders } from "./resolve.js";
export type {
  Caveat,
  Deadline,
  OptOut,
  PlatformSteps,
  PolicyDocument,
  Provider,
  Retention,
  Source,
  Step,
} from "./schema.js";
export { type SearchHit, searchCatalog } from "./search.js";
export { strictProblems } from "./strict.js";
