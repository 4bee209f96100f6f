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
  const store = await openExistingStore(config, { create: true });
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
    await store.close();
  }
}

/** `ai-privacy history <provider> [document] [--json]`. */
export async function historyCommand({ positionals, values }: Parsed, { out }: Io): Promise<number> {
  const [providerId = "", documentId] = positionals;
  const config = cliConfig();
  const store = await openExistingStore(config);
  try {
    const histories = await documentHistory(
      store,
      loadCatalog({ overlayPath: config.CATALOG_PATH }),
      providerId,
      documentId,
    );
    out.write(`${values.json ? JSON.stringify(histories, null, 2) : formatHistory(histories)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `ai-privacy diff <document> [from] [to]`. */
export async function diffCommand({ positionals }: Parsed, { out }: Io): Promise<number> {
  const [documentId = "", from, to] = positionals;
  const store = await openExistingStore(cliConfig());
  try {
    out.write(`${await documentDiff(store, documentId, from, to)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `ai-privacy reviewed <provider>`: the catalog entry was re-checked after its help article changed. */
export async function reviewedCommand({ positionals }: Parsed, { out }: Io): Promise<number> {
  const [providerId = ""] = positionals;
  const config = cliConfig();
  if (!loadCatalog({ overlayPath: config.CATALOG_PATH }).byId(providerId)) throw unknownProvider(providerId);
  const store = await openExistingStore(config, { create: true });
  try {
    out.write(
      (await clearNeedsReview(store, providerId))
        ? `Cleared "needs review" for ${providerId}.\n`
        : `${providerId} was not flagged.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
