import { parseArgs } from "node:util";
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
import type { Out } from "./types.js";

/** `ai-privacy check [--provider X] [--document D] [--json]`: one policy pass now, one line per document. */
export async function checkCommand(args: string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { provider: { type: "string" }, document: { type: "string" }, json: { type: "boolean" } },
  });
  const config = cliConfig();
  const catalog = loadCatalog({ overlayPath: config.CATALOG_PATH });
  if (values.provider && !catalog.byId(values.provider)) {
    out.write(`No provider "${values.provider}" in the catalog. See: ai-privacy providers\n`);
    return 2;
  }
  const store = openExistingStore(config, { create: true });
  try {
    const results = await runPolicyCheck({
      store,
      catalog,
      now: () => new Date(),
      ...(values.provider ? { providerId: values.provider } : {}),
      ...(values.document ? { documentId: values.document } : {}),
      ...(config.OPS_CHANNEL_ID ? { opsChannelId: config.OPS_CHANNEL_ID } : {}),
      leadsToNotify: config.ADMIN_USER_IDS,
    });
    for (const r of results) out.write(`${values.json ? formatCheckJson(r) : formatCheckLine(r)}\n`);
    return results.some((r) => r.status === "failed") ? 1 : 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy history <provider> [document]`. */
export function historyCommand(args: string[], out: Out): number {
  const [providerId, documentId] = args;
  if (!providerId) {
    out.write("Usage: ai-privacy history <provider> [document]\n");
    return 2;
  }
  const config = cliConfig();
  const store = openExistingStore(config);
  try {
    out.write(
      `${formatHistory(documentHistory(store, loadCatalog({ overlayPath: config.CATALOG_PATH }), providerId, documentId))}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy diff <document> [from] [to]`. */
export function diffCommand(args: string[], out: Out): number {
  const [documentId, from, to] = args;
  if (!documentId) {
    out.write("Usage: ai-privacy diff <document> [from] [to]\n");
    return 2;
  }
  const store = openExistingStore(cliConfig());
  try {
    out.write(`${documentDiff(store, documentId, from, to)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy reviewed <provider>`: the catalog entry was re-checked after its help article changed. */
export function reviewedCommand(args: string[], out: Out): number {
  const [providerId] = args;
  if (!providerId) {
    out.write("Usage: ai-privacy reviewed <provider>\n");
    return 2;
  }
  const store = openExistingStore(cliConfig(), { create: true });
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
