import { resolve } from "node:path";
import { databaseOptions } from "../config.js";
import {
  copyDatabase,
  databaseStatus,
  type MigrationStatus,
  migrateDatabase,
  parseDatabaseUrl,
} from "../store/index.js";
import { cliConfig } from "./offline.js";
import { CliUsageError, type Io, type Parsed } from "./types.js";

/** A URL as it may be shown: SQLite paths made absolute, PostgreSQL passwords hidden. */
function shown(url: string, what: string): string {
  const parsed = parseDatabaseUrl(url);
  if (!parsed.ok) throw new CliUsageError(`${what} ${parsed.error}`);
  return parsed.target.dialect === "sqlite" ? `sqlite:${resolve(parsed.target.path)}` : parsed.target.display;
}

function statusText(url: string, s: MigrationStatus): string {
  const head =
    s.current === s.latest
      ? `schema version ${s.current} of ${s.latest}: up to date`
      : `schema version ${s.current} of ${s.latest}: ${s.pending.length} migration(s) pending (applied at the next start, or now with: ai-privacy db migrate)`;
  const applied = s.applied.map(
    (a) =>
      `  ${String(a.version).padStart(3)}  ${a.name}${a.appliedAt.getTime() > 0 ? `  (${a.appliedAt.toISOString()})` : ""}`,
  );
  const pending = s.pending.map((p) => `  ${String(p.version).padStart(3)}  ${p.name}  (pending)`);
  const legacy = s.legacy
    ? ["  (a file from before the migration table: recorded as applied at the next start)"]
    : [];
  return [`database: ${url}`, head, ...applied, ...pending, ...legacy].join("\n");
}

async function status({ values }: Parsed, { out }: Io): Promise<number> {
  const config = cliConfig();
  const url = shown(config.DATABASE_URL, "DATABASE_URL");
  const s = await databaseStatus(config.DATABASE_URL, databaseOptions(config));
  out.write(
    `${values.json ? JSON.stringify({ database: url, ...s, upToDate: s.current === s.latest }, null, 2) : statusText(url, s)}\n`,
  );
  // Scripts can wait for "up to date": 1 while migrations are pending.
  return s.current === s.latest ? 0 : 1;
}

async function migrate({ values }: Parsed, { out }: Io): Promise<number> {
  const config = cliConfig();
  const url = shown(config.DATABASE_URL, "DATABASE_URL");
  const run = await migrateDatabase(config.DATABASE_URL, databaseOptions(config));
  if (values.json) out.write(`${JSON.stringify({ database: url, ...run }, null, 2)}\n`);
  else {
    const lines = [`database: ${url}`];
    if (run.adopted.length) lines.push(`recorded as already applied: ${run.adopted.join(", ")}`);
    lines.push(
      run.applied.length
        ? `applied: ${run.applied.join(", ")}`
        : "nothing to apply: the schema is up to date",
    );
    out.write(`${lines.join("\n")}\n`);
  }
  return 0;
}

async function copy({ positionals, values }: Parsed, { out, err }: Io): Promise<number> {
  const [, fromUrl, toUrl] = positionals;
  if (!fromUrl || !toUrl) throw new CliUsageError("db copy needs <from-url> and <to-url>");
  const from = shown(fromUrl, "<from-url>");
  const to = shown(toUrl, "<to-url>");
  if (from === to) throw new CliUsageError("<from-url> and <to-url> are the same database");
  const result = await copyDatabase(fromUrl, toUrl, {
    ...databaseOptions(cliConfig()),
    force: values.force === true,
  });
  const total = Object.values(result.rows).reduce((n, r) => n + r, 0);
  const perTable = Object.entries(result.rows)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ");
  if (values.json) out.write(`${JSON.stringify({ from, to, ...result }, null, 2)}\n`);
  if (!result.ok) {
    err.write(
      `${to} already holds ${total} rows (${perTable}); nothing was copied. Pass --force to replace them.\n`,
    );
    return 2;
  }
  if (!values.json)
    out.write(`copied ${total} rows from ${from} to ${to}${perTable ? `: ${perTable}` : ""}\n`);
  return 0;
}

/** `ai-privacy db migrate | status | copy <from-url> <to-url> [--force]`. */
export function dbCommand(parsed: Parsed, io: Io): Promise<number> {
  const [sub] = parsed.positionals;
  if (sub === "status" && parsed.positionals.length === 1) return status(parsed, io);
  if (sub === "migrate" && parsed.positionals.length === 1) return migrate(parsed, io);
  if (sub === "copy" && parsed.positionals.length === 3) return copy(parsed, io);
  throw new CliUsageError(
    sub === "copy"
      ? "db copy needs <from-url> and <to-url>"
      : `unknown db command "${sub ?? ""}": use migrate, status or copy`,
  );
}
