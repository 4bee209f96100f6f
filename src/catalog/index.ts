export { type Catalog, CatalogError, loadCatalog, makeCatalog } from "./load.js";
export type { Caveat, Deadline, OptOut, PlatformSteps, PolicyDocument, Provider, Retention, Source, Step } from "./schema.js";
