import { statSync } from "node:fs";
import { catalogFacts, diffFacts } from "../announce/index.js";
import { type Catalog, CatalogError, loadCatalog, qualityProblems } from "../catalog/index.js";
import { cliConfig } from "./offline.js";
import { CliUsageError, type Io, type Parsed } from "./types.js";

const USAGE = "ai-privacy catalog validate [file] | ai-privacy catalog diff <old> <new>";

/** The UTC calendar day, for the gates that compare dates with today (`lastReviewed` in the future). */
const utcToday = (now: Date) => now.toISOString().slice(0, 10);

/**
 * `ai-privacy catalog validate [file]`: the schema (strict keys, real dates, source references) at load,
 * then the quality gates. Every problem is a catalog problem: one line each, exit code 2, so CI fails.
 * `--strict` is still accepted from older scripts; unknown keys are now always refused.
 */
function validate(overlayPath: string | undefined, io: Io, now: Date): number {
  const catalog = loadCatalog({ overlayPath });
  const problems = qualityProblems(catalog.providers, utcToday(now));
  if (problems.length) throw new CatalogError(problems);
  io.out.write(
    `OK: ${catalog.providers.length} providers (${overlayPath ? `built-in + ${overlayPath}` : "built-in"})\n`,
  );
  return 0;
}

/** A folder of provider YAML files is a whole catalog; a file is an overlay over the built-in one. */
function catalogAt(path: string): Catalog {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false; // loadCatalog reports the unreadable file with its name
  }
  return isDir ? loadCatalog({ builtinDir: path }) : loadCatalog({ overlayPath: path });
}

/**
 * `ai-privacy catalog diff <old> <new>`: what would change for users between two catalogs, with the same
 * fields and wording the catalog-change announcement uses (`catalogFacts`, `diffFacts`).
 */
export function catalogDiff(oldPath: string, newPath: string, io: Io): number {
  const before = catalogAt(oldPath);
  const after = catalogAt(newPath);
  const lines: string[] = [];
  for (const p of after.providers) {
    const old = before.byId(p.id);
    if (!old) {
      lines.push(`+ ${p.name} (${p.id}): new provider`);
      continue;
    }
    const fields = diffFacts(catalogFacts(old), catalogFacts(p));
    if (!fields.length) continue;
    lines.push(`~ ${p.name} (${p.id}):`);
    for (const f of fields) lines.push(`    ${f.field}: ${f.before || "(none)"} → ${f.after || "(none)"}`);
  }
  for (const p of before.providers) if (!after.byId(p.id)) lines.push(`- ${p.name} (${p.id}): removed`);
  io.out.write(lines.length ? `${lines.join("\n")}\n` : "No changes that users would see.\n");
  return 0;
}

export function catalogCommand({ positionals }: Parsed, io: Io, now = new Date()): number {
  const [sub, ...args] = positionals;
  if (sub === "validate" && args.length <= 1) return validate(args[0] ?? cliConfig().CATALOG_PATH, io, now);
  if (sub === "diff" && args.length === 2 && args[0] && args[1]) return catalogDiff(args[0], args[1], io);
  throw new CliUsageError(
    sub === "validate" || sub === "diff"
      ? `Usage: ${USAGE} (diff takes two folders of provider YAML files or overlay files)`
      : `Unknown catalog command "${sub ?? ""}". Try: ${USAGE}`,
  );
}
