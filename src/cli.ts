#!/usr/bin/env node
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { ansiStyle, blocksToText, plainStyle } from "./blocks/index.js";
import { CatalogError, loadCatalog } from "./catalog/index.js";
import { checkCommand, diffCommand, historyCommand, reviewedCommand } from "./cli/monitor.js";
import { cliConfig, NeedsSlackError, offlineDeps } from "./cli/offline.js";
import { deadlinesCommand, exportCommand, outboxCommand } from "./cli/state.js";
import type { Out } from "./cli/types.js";
import { handleCommand, parseCommand } from "./commands/index.js";
import { ConfigError } from "./config.js";
import { MonitorLookupError } from "./monitor/index.js";
import { StoreOpenError } from "./store/index.js";
import { VERSION } from "./version.js";

const HELP = `ai-privacy ${VERSION} — the /ai-privacy Slack bot's command line

Usage:
  ai-privacy ask "<text>"              the same answer as /ai-privacy <text>, e.g. ai-privacy ask claude
  ai-privacy providers [--json]        every provider in the catalog (built-in + CATALOG_PATH overlay)
  ai-privacy catalog validate [file]   check the built-in catalog, plus an overlay file if given
  ai-privacy check [--provider X] [--document D] [--json]
                                       fetch the providers' policy pages now; one line per document
  ai-privacy history <provider> [document]   stored versions of a provider's documents
  ai-privacy diff <document> [from] [to]     what changed between two versions (default: the last two)
  ai-privacy reviewed <provider>       clear "needs review" once the catalog's steps were re-checked
  ai-privacy deadlines                 which deadline announcements go out when
  ai-privacy outbox                    pending and failed deliveries
  ai-privacy export <campaign> [file]  a reminder campaign's per-person states as CSV
  ai-privacy help                      this text

Environment: .env is read like the bot does; Slack tokens are not needed. Commands that read state use
DATABASE_URL; "check" and "reviewed" write to it, and the running bot delivers what they enqueue.`;

export async function runCli(
  argv: string[],
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  const style = (out as { isTTY?: boolean }).isTTY ? ansiStyle : plainStyle;
  switch (command) {
    case "ask": {
      const text = rest.join(" ");
      const deps = offlineDeps(cliConfig());
      try {
        const request = { teamId: "T-CLI", userId: "U-CLI", channelId: "C-CLI", now: deps.now() };
        const reply = await handleCommand(parseCommand(text), request, deps);
        out.write(blocksToText(reply.blocks, style));
        return 0;
      } catch (e) {
        if (e instanceof NeedsSlackError) {
          err.write(`${e.message}\n`);
          return 1;
        }
        throw e;
      } finally {
        deps.store.close();
      }
    }
    case "providers": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
      const catalog = loadCatalog({ overlayPath: cliConfig().CATALOG_PATH });
      if (values.json) out.write(`${JSON.stringify(catalog.providers, null, 2)}\n`);
      else for (const p of catalog.providers) out.write(`${p.id.padEnd(24)} ${p.name}\n`);
      return 0;
    }
    case "catalog": {
      const [sub, file] = rest;
      if (sub !== "validate") {
        err.write(`Unknown catalog command "${sub ?? ""}". Try: ai-privacy catalog validate [file]\n`);
        return 2;
      }
      const overlayPath = file ?? cliConfig().CATALOG_PATH;
      const catalog = loadCatalog({ overlayPath });
      out.write(
        `OK: ${catalog.providers.length} providers${overlayPath ? ` (built-in + ${overlayPath})` : " (built-in)"}\n`,
      );
      return 0;
    }
    case "check":
      return checkCommand(rest, out);
    case "history":
      return historyCommand(rest, out);
    case "diff":
      return diffCommand(rest, out);
    case "reviewed":
      return reviewedCommand(rest, out);
    case "deadlines":
      return deadlinesCommand(out);
    case "outbox":
      return outboxCommand(out);
    case "export":
      return exportCommand(rest, out, err);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      out.write(`${HELP}\n`);
      return 0;
    case "--version":
    case "-v":
      out.write(`${VERSION}\n`);
      return 0;
    default:
      err.write(`Unknown command "${command}".\n\n${HELP}\n`);
      return 2;
  }
}

/** Operator mistakes (bad config, catalog or database) print the fix, never a stack trace. */
export function describeFailure(e: unknown): string | undefined {
  if (e instanceof CatalogError) return `Catalog problems:\n${e.problems.map((p) => `  - ${p}`).join("\n")}`;
  if (e instanceof ConfigError || e instanceof StoreOpenError || e instanceof MonitorLookupError)
    return e.message;
  if ((e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))
    return `${(e as Error).message}. See: ai-privacy help`;
  return undefined;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith("/ai-privacy")) {
  loadDotenv({ quiet: true });
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      const known = describeFailure(e);
      process.stderr.write(`${known ?? `ai-privacy failed: ${(e as Error).message}`}\n`);
      process.exitCode = known ? 2 : 1;
    },
  );
}
