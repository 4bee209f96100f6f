import { type Catalog, makeCatalog, type Provider } from "../../../src/catalog/index.js";
import { ProviderSchema } from "../../../src/catalog/schema.js";

export interface TestDocument {
  id: string;
  url: string;
  select?: string[];
  remove?: string[];
  carriesSteps?: boolean;
  needsBrowser?: boolean;
  allowRedirectsTo?: string[];
  title?: string;
}

export function testProvider(id: string, documents: TestDocument[], name = "Acme AI"): Provider {
  return ProviderSchema.parse({
    id,
    name,
    documents: documents.map((d) => ({ title: `${d.id} title`, ...d })),
  }) as Provider;
}

export function testCatalog(...providers: Provider[]): Catalog {
  return makeCatalog(providers);
}
