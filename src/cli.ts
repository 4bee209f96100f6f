#!/usr/bin/env node
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { CatalogError } from "./catalog/index.js";
import { exitQuietlyOnClosedPipe } from "./cli/output.js";
import { CliUsageError, type Io, type Out, type Parsed } from "./cli/types.js";
import { VERBS, type Verb } from "./cli/verbs.js";
import { ConfigError } from "./config.js";
import { MonitorLookupError } from "./monitor/index.js";
import { StoreOpenError } from "./store/index.js";
import { VERSION } from "./version.js";

const HELP = `ai-privacy ${VERSION} — the /ai-privacy Slack bot's command line

Usage:
${Object.values(VERBS)
  .map((v) => `  ${v.usage.padEnd(56)} ${v.about}`)
  .join("\n")}
  ${"ai-privacy help [command]".padEnd(56)} this text, or one command's (also: <command> --help)

Exit codes: 0 done; 1 it ran and something failed (e.g. a policy page could not be read); 2 the request
or the setup is wrong (unknown provider, document or campaign, bad arguments, configuration, catalog).
Output is plain text when piped or when NO_COLOR is set.

Environment: .env is read like the bot does; Slack tokens are not needed. Commands that read state use
DATABASE_URL; "check" and "reviewed" write to it, and the running bot delivers what they enqueue.`;

const verbHelp = (verb: Verb) =>
  `Usage: ${verb.usage}\n\n${verb.about[0]?.toUpperCase()}${verb.about.slice(1)}.\nAll commands: ai-privacy help\n`;

/** parseArgs with this verb's options plus --help; refuses what the verb does not take, saying why. */
function parseFor(name: string, verb: Verb, args: string[]): Parsed | string {
  if (args.includes("--json") && !("json" in verb.options))
    return `ai-privacy ${name} has no --json output. Usage: ${verb.usage}`;
  let parsed: { values: Parsed["values"]; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...verb.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (e) {
    return `${(e as Error).message.split("\n")[0]}. Usage: ${verb.usage}`;
  }
  if (parsed.values.help) return parsed;
  const [min, max] = verb.args;
  if (parsed.positionals.length < min) return `Missing arguments. Usage: ${verb.usage}`;
  if (parsed.positionals.length > max)
    return `Too many arguments (${parsed.positionals.slice(max).join(" ")}). Usage: ${verb.usage}`;
  return parsed;
}

export async function runCli(
  argv: string[],
  out: Out = process.stdout,
  err: Out = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  const io: Io = { out, err, env };
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    const verb = rest[0] && Object.hasOwn(VERBS, rest[0]) ? VERBS[rest[0]] : undefined;
    out.write(verb ? verbHelp(verb) : `${HELP}\n`);
    return 0;
  }
  if (command === "--version" || command === "-v") {
    out.write(`${VERSION}\n`);
    return 0;
  }
  const verb = Object.hasOwn(VERBS, command) ? VERBS[command] : undefined;
  if (!verb) {
    err.write(`Unknown command "${command}". See: ai-privacy help\n`);
    return 2;
  }
  const parsed = parseFor(command, verb, rest);
  if (typeof parsed === "string") {
    err.write(`${parsed}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out.write(verbHelp(verb));
    return 0;
  }
  try {
    return await verb.run(parsed, io);
  } catch (e) {
    if (e instanceof CliUsageError) {
      err.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Operator mistakes (bad config, catalog or database) print the fix, never a stack trace. */
export function describeFailure(e: unknown): string | undefined {
  if (e instanceof CatalogError) return `Catalog problems:\n${e.problems.map((p) => `  - ${p}`).join("\n")}`;
  if (e instanceof ConfigError || e instanceof StoreOpenError || e instanceof MonitorLookupError)
    return e.message;
  return undefined;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith("/ai-privacy")) {
  loadDotenv({ quiet: true });
  exitQuietlyOnClosedPipe(process.stdout);
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
