import { writeFileSync } from "node:fs";
import { deadlinesReportData, formatDeadlinesReport, outboxStatuses } from "../announce/index.js";
import { loadCatalog } from "../catalog/index.js";
import { formatOutboxReport, outboxReportData } from "../outbox/index.js";
import { exportCampaignCsv } from "../reminders/index.js";
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

/** `ai-privacy export <campaign> [file]`: a campaign's per-person states as CSV (stdout or a file). */
export async function exportCommand({ positionals }: Parsed, { out }: Io): Promise<number> {
  const [idText = "", file] = positionals;
  const id = Number(idText);
  if (!Number.isInteger(id) || id <= 0)
    throw new CliUsageError(`"${idText}" is not a campaign number (/ai-privacy status shows the numbers)`);
  const store = await openExistingStore(cliConfig());
  try {
    const csv = await exportCampaignCsv(store, id);
    if (csv === undefined) throw new CliUsageError(`No campaign ${id}. /ai-privacy status lists them.`);
    if (file) {
      writeFileSync(file, csv, { mode: 0o600 });
      out.write(`Wrote ${file}\n`);
    } else out.write(csv);
    return 0;
  } finally {
    await store.close();
  }
}
