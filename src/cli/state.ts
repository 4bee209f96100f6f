import { writeFileSync } from "node:fs";
import { deadlinesReportData, formatDeadlinesReport, outboxStatuses } from "../announce/index.js";
import { loadCatalog } from "../catalog/index.js";
import { formatOutboxReport, outboxReportData } from "../outbox/index.js";
import { campaignEvidence, evidenceCsv, evidenceJson } from "../reminders/index.js";
import { cliConfig, openExistingStore } from "./offline.js";
import { CliUsageError, type Io, type Parsed } from "./types.js";

/** `ai-privacy deadlines [--json]`: which deadline announcements go out when, to how many channels. */
export async function deadlinesCommand({ values }: Parsed, { out }: Io): Promise<number> {
  const config = cliConfig();
  const store = await openExistingStore(config);
  try {
    const plan = {
      catalog: loadCatalog({ overlayPath: config.CATALOG_PATH }),
      subscriptions: await store.subscriptions.listAll(),
      leadDays: config.DEADLINE_LEAD_DAYS,
      now: new Date(),
      timeZone: config.DEFAULT_TIMEZONE,
    };
    const outboxStatus = await outboxStatuses(plan, async (key) => (await store.outbox.get(key))?.status);
    const input = { ...plan, outboxStatus };
    out.write(
      `${values.json ? JSON.stringify(deadlinesReportData(input), null, 2) : formatDeadlinesReport(input)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `ai-privacy outbox [--json]`: pending and failed deliveries. */
export async function outboxCommand({ values }: Parsed, { out }: Io): Promise<number> {
  const store = await openExistingStore(cliConfig());
  try {
    out.write(
      `${values.json ? JSON.stringify(await outboxReportData(store), null, 2) : await formatOutboxReport(store)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `ai-privacy export <campaign> [file] [--json]`: the campaign's evidence (the same the lead's Export button
 * uploads) as CSV or JSON, to stdout or a file only its owner can read. Whoever runs it can read the database
 * already; in Slack only the campaign's lead gets it.
 */
export async function exportCommand({ positionals, values }: Parsed, { out }: Io): Promise<number> {
  const [idText = "", file] = positionals;
  const id = Number(idText);
  if (!/^\d{1,15}$/.test(idText) || id <= 0)
    throw new CliUsageError(`"${idText}" is not a campaign number (/ai-privacy status shows the numbers)`);
  const store = await openExistingStore(cliConfig());
  try {
    const evidence = await campaignEvidence(store, id);
    if (!evidence) throw new CliUsageError(`No campaign ${id}. /ai-privacy status lists them.`);
    const text = values.json ? `${JSON.stringify(evidenceJson(evidence), null, 2)}\n` : evidenceCsv(evidence);
    if (file) {
      writeFileSync(file, text, { mode: 0o600 });
      out.write(`Wrote ${file}\n`);
    } else out.write(text);
    return 0;
  } finally {
    await store.close();
  }
}
