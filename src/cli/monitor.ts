import { loadCatalog } from "../catalog/index.js";
import {
  clearNeedsReview,
  documentDiff,
  documentHistory,
  formatCheckJson,
  formatCheckLine,
  formatHistory,
  runPolicyCheck,
} from "../monitor/index.js";
import { cliConfig, openExistingStore } from "./offline.js";
import { CliUsageError, type Io, type Parsed } from "./types.js";

const unknownProvider = (id: string) =>
  new CliUsageError(`No provider "${id}" in the catalog. See: ai-privacy providers`);

/** `ai-privacy check [--provider X] [--document D] [--json]`: one policy pass now, one line per document. */
export async function checkCommand({ values }: Parsed, { out }: Io): Promise<number> {
  const config = cliConfig();
  const catalog = loadCatalog({ overlayPath: config.CATALOG_PATH });
  const provider = typeof values.provider === "string" ? values.provider : undefined;
  const document = typeof values.document === "string" ? values.document : undefined;
  if (provider && !catalog.byId(provider)) throw unknownProvider(provider);
  const store = openExistingStore(config, { create: true });
  try {
    const results = await runPolicyCheck({
      store,
      catalog,
      now: () => new Date(),
      ...(provider ? { providerId: provider } : {}),
      ...(document ? { documentId: document } : {}),
      ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
      leadsToNotify: config.ADMIN_USER_IDS,
    });
    for (const r of results) out.write(`${values.json ? formatCheckJson(r) : formatCheckLine(r)}\n`);
    return results.some((r) => r.status === "failed") ? 1 : 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy history <provider> [document] [--json]`. */
export function historyCommand({ positionals, values }: Parsed, { out }: Io): number {
  const [providerId = "", documentId] = positionals;
  const config = cliConfig();
  const store = openExistingStore(config);
  try {
    const histories = documentHistory(
      store,
      loadCatalog({ overlayPath: config.CATALOG_PATH }),
      providerId,
      documentId,
    );
    out.write(`${values.json ? JSON.stringify(histories, null, 2) : formatHistory(histories)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy diff <document> [from] [to]`. */
export function diffCommand({ positionals }: Parsed, { out }: Io): number {
  const [documentId = "", from, to] = positionals;
  const store = openExistingStore(cliConfig());
  try {
    out.write(`${documentDiff(store, documentId, from, to)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy reviewed <provider>`: the catalog entry was re-checked after its help article changed. */
export function reviewedCommand({ positionals }: Parsed, { out }: Io): number {
  const [providerId = ""] = positionals;
  const config = cliConfig();
  if (!loadCatalog({ overlayPath: config.CATALOG_PATH }).byId(providerId)) throw unknownProvider(providerId);
  const store = openExistingStore(config, { create: true });
  try {
    out.write(
      clearNeedsReview(store, providerId)
        ? `Cleared "needs review" for ${providerId}.\n`
        : `${providerId} was not flagged.\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}
