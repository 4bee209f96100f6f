import { writeFileSync } from "node:fs";
import { formatDeadlinesReport, formatOutboxReport } from "../announce/index.js";
import { loadCatalog } from "../catalog/index.js";
import { exportCampaignCsv } from "../reminders/index.js";
import { cliConfig, openExistingStore } from "./offline.js";
import type { Out } from "./types.js";

/** `ai-privacy deadlines`: which deadline announcements go out when, to how many channels. */
export function deadlinesCommand(out: Out): number {
  const config = cliConfig();
  const store = openExistingStore(config);
  try {
    out.write(
      `${formatDeadlinesReport({
        catalog: loadCatalog({ overlayPath: config.CATALOG_PATH }),
        subscriptions: store.subscriptions.listAll(),
        leadDays: config.DEADLINE_LEAD_DAYS,
        now: new Date(),
        timeZone: config.DEFAULT_TIMEZONE,
        outboxStatus: (key) => store.outbox.get(key)?.status,
      })}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy outbox`: pending and failed deliveries. */
export function outboxCommand(out: Out): number {
  const store = openExistingStore(cliConfig());
  try {
    out.write(`${formatOutboxReport(store)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `ai-privacy export <campaign> [file]`: a campaign's per-person states as CSV (stdout or a file). */
export function exportCommand(args: string[], out: Out, err: Out): number {
  const [idText, file] = args;
  const id = Number(idText);
  if (!idText || !Number.isInteger(id) || id <= 0) {
    err.write(
      "Usage: ai-privacy export <campaign number> [file.csv]  (/ai-privacy status shows the numbers)\n",
    );
    return 2;
  }
  const store = openExistingStore(cliConfig());
  try {
    const csv = exportCampaignCsv(store, id);
    if (csv === undefined) {
      err.write(`No campaign ${id}. /ai-privacy status lists the open ones.\n`);
      return 1;
    }
    if (file) {
      writeFileSync(file, csv, { mode: 0o600 });
      out.write(`Wrote ${file}\n`);
    } else out.write(csv);
    return 0;
  } finally {
    store.close();
  }
}
