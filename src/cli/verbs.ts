import type { ParseArgsConfig } from "node:util";
import { blocksToText } from "../blocks/index.js";
import { loadCatalog, lookupProvider } from "../catalog/index.js";
import { handleCommand, parseCommand } from "../commands/index.js";
import { catalogCommand } from "./catalog.js";
import { dbCommand } from "./db.js";
import { checkCommand, diffCommand, historyCommand, reviewedCommand } from "./monitor.js";
import { cliConfig, NeedsSlackError, offlineDeps } from "./offline.js";
import { styleFor } from "./output.js";
import { deadlinesCommand, exportCommand, outboxCommand } from "./state.js";
import { CliUsageError, type Io, type Parsed } from "./types.js";

export interface Verb {
  usage: string;
  about: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Positional arguments: required count and the most accepted (Infinity: free text). */
  args: [min: number, max: number];
  run(parsed: Parsed, io: Io): number | Promise<number>;
}

const json = { json: { type: "boolean" } } as const;

async function ask({ positionals }: Parsed, io: Io): Promise<number> {
  const text = positionals.join(" ");
  const deps = await offlineDeps(cliConfig());
  try {
    const command = parseCommand(text);
    const request = { teamId: "T-CLI", userId: "U-CLI", channelId: "C-CLI", now: deps.now() };
    const reply = await handleCommand(command, request, deps);
    io.out.write(blocksToText(reply.blocks, styleFor(io.out, io.env)));
    // A provider that could not be found is the same mistake as elsewhere in the CLI: exit code 2.
    if (command.type === "invalid") return 2;
    if (command.type === "steps" && lookupProvider(deps.catalog, command.query).kind !== "found") return 2;
    return 0;
  } catch (e) {
    if (e instanceof NeedsSlackError) throw new CliUsageError(e.message);
    throw e;
  } finally {
    await deps.store.close();
  }
}

function providers({ values }: Parsed, { out }: Io): number {
  const catalog = loadCatalog({ overlayPath: cliConfig().CATALOG_PATH });
  if (values.json) out.write(`${JSON.stringify(catalog.providers, null, 2)}\n`);
  else for (const p of catalog.providers) out.write(`${p.id.padEnd(24)} ${p.name}\n`);
  return 0;
}

/** Every `ai-privacy` verb: its usage line, what it does, its options, and how many arguments it takes. */
export const VERBS: Record<string, Verb> = {
  ask: {
    usage: 'ai-privacy ask "<text>"',
    about: "the same answer as /ai-privacy <text>, e.g. ai-privacy ask claude",
    options: {},
    args: [0, Number.POSITIVE_INFINITY],
    run: ask,
  },
  providers: {
    usage: "ai-privacy providers [--json]",
    about: "every provider in the catalog (built-in + CATALOG_PATH overlay)",
    options: json,
    args: [0, 0],
    run: providers,
  },
  catalog: {
    usage: "ai-privacy catalog validate [file] | catalog diff <old> <new>",
    about:
      "validate: schema and quality gates of the built-in catalog plus an overlay file; diff: what would change for users between two catalogs (provider folders or overlay files)",
    // --strict is accepted from older scripts: unknown keys are always refused now (the schema is strict).
    options: { strict: { type: "boolean" } },
    args: [1, 3],
    run: (parsed, io) => catalogCommand(parsed, io),
  },
  check: {
    usage: "ai-privacy check [--provider X] [--document D] [--json]",
    about: "fetch the providers' policy pages now; one line (or JSON object) per document",
    options: { provider: { type: "string" }, document: { type: "string" }, ...json },
    args: [0, 0],
    run: checkCommand,
  },
  history: {
    usage: "ai-privacy history <provider> [document] [--json]",
    about: "stored versions of a provider's documents",
    options: json,
    args: [1, 2],
    run: historyCommand,
  },
  diff: {
    usage: "ai-privacy diff <document> [from] [to]",
    about: "what changed between two versions (default: the last two)",
    options: {},
    args: [1, 3],
    run: diffCommand,
  },
  reviewed: {
    usage: "ai-privacy reviewed <provider>",
    about: 'clear "needs review" once the catalog\'s steps were re-checked',
    options: {},
    args: [1, 1],
    run: reviewedCommand,
  },
  deadlines: {
    usage: "ai-privacy deadlines [--json]",
    about: "which deadline announcements go out when",
    options: json,
    args: [0, 0],
    run: deadlinesCommand,
  },
  outbox: {
    usage: "ai-privacy outbox [--json]",
    about: "pending and failed deliveries",
    options: json,
    args: [0, 0],
    run: outboxCommand,
  },
  export: {
    usage: "ai-privacy export <campaign> [file] [--json]",
    about:
      "a reminder campaign's evidence, one row per person: state, when and how they answered (button, where, every undo), reminders sent, nudges; CSV (RFC 4180), or --json",
    options: json,
    args: [1, 2],
    run: exportCommand,
  },
  db: {
    usage: "ai-privacy db migrate | status | copy <from-url> <to-url> [--force] [--json]",
    about:
      "the database schema (DATABASE_URL): apply pending migrations now, show the version (exit 1 while migrations are pending), or copy every table from one database to another, e.g. sqlite:./data/ai-privacy.db to postgres://… (an empty target, or --force to replace its rows)",
    options: { force: { type: "boolean" }, ...json },
    args: [1, 3],
    run: dbCommand,
  },
};
