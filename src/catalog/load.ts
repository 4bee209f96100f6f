import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { locateInSources, mergeById } from "./merge.js";
import {
  type Deadline,
  type Provider,
  ProviderSchema,
  type RegulationEvent,
  RegulationFileSchema,
} from "./schema.js";

export const BUILTIN_PROVIDERS_DIR = join(dirname(fileURLToPath(import.meta.url)), "providers");

/** A catalog problem, already phrased for an operator: file, path inside it, what is wrong. */
export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "CatalogError";
  }
}

export const BUILTIN_REGULATION_FILE = join(dirname(fileURLToPath(import.meta.url)), "regulation.yaml");

export interface Catalog {
  readonly providers: readonly Provider[];
  /** Regulatory dates (kind `regulation`), in date order; absent in hand-made test catalogs. */
  readonly regulations?: readonly RegulationEvent[];
  byId(id: string): Provider | undefined;
}

export function makeCatalog(providers: Provider[], regulations: RegulationEvent[] = []): Catalog {
  const index = new Map(providers.map((p) => [p.id, p]));
  return { providers, regulations, byId: (id) => index.get(id) };
}

/** The regulatory dates file: `{ events: [...] }`, each event with its own sources. */
export function loadRegulations(file = BUILTIN_REGULATION_FILE): RegulationEvent[] {
  const parsed = RegulationFileSchema.safeParse(readYaml(file));
  if (!parsed.success) throw new CatalogError(describeIssues(file, "", parsed.error));
  const problems: string[] = [];
  parsed.data.events.forEach((e, i) => {
    const prev = parsed.data.events[i - 1];
    if (prev && e.date < prev.date)
      problems.push(
        `${file}: events[${i}]: ${e.date} comes before events[${i - 1}] (${prev.date}); list events in date order`,
      );
  });
  if (problems.length) throw new CatalogError(problems);
  return parsed.data.events;
}

function formatPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${String(key)}`;
  return out;
}

/** Where a problem found in a merged provider really is: the file, and the path inside that file. */
export type Locate = (path: ReadonlyArray<PropertyKey>) => {
  file: string;
  prefix: string;
  path: PropertyKey[];
};

export function describeIssues(file: string, prefix: string, error: z.ZodError, locate?: Locate): string[] {
  return error.issues.map((issue) => {
    const at = locate ? locate(issue.path) : { file, prefix, path: [...issue.path] };
    return `${at.file}: ${formatPath(at.prefix, at.path) || "(root)"}: ${issue.message}`;
  });
}

/** A catalog file is a few kilobytes; past this it is not a catalog (and /dev/zero never ends). */
export const MAX_CATALOG_BYTES = 5 * 1024 * 1024;

/**
 * Reads a catalog file, refusing anything that is not a regular file of sane size before reading it: a
 * FIFO would block start-up for ever and a device like /dev/zero would fill memory.
 */
function readCatalogText(file: string): string {
  try {
    const stat = statSync(file);
    if (!stat.isFile())
      throw new CatalogError([
        `${file}: not a regular file (${stat.isFIFO() ? "a FIFO" : stat.isDirectory() ? "a directory" : "a device or socket"}); point CATALOG_PATH at a YAML file`,
      ]);
    if (stat.size > MAX_CATALOG_BYTES)
      throw new CatalogError([
        `${file}: ${stat.size} bytes is too large for a catalog (at most ${MAX_CATALOG_BYTES}); point CATALOG_PATH at a YAML file`,
      ]);
    return readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof CatalogError) throw err;
    throw new CatalogError([`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
}

/** "file:4:3: not valid YAML: …" followed by the offending line and a caret under the column. */
function yamlProblem(file: string, err: unknown): string {
  const e = err as Error & { linePos?: { line: number; col: number }[] };
  const [first = "", ...frame] = e.message.split("\n");
  const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : "";
  const reason = first.replace(/ at line \d+, column \d+:?$/, "");
  const excerpt = frame.filter((l) => l.trim() !== "").map((l) => `    ${l}`);
  return [`${file}${where}: not valid YAML: ${reason}`, ...excerpt].join("\n");
}

function readYaml(file: string): unknown {
  const text = readCatalogText(file);
  try {
    return parseYaml(text);
  } catch (err) {
    throw new CatalogError([yamlProblem(file, err)]);
  }
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 40)
    .replace(/^-+|-+$/g, "");
}

function withDeadlineIds(deadlines: z.infer<typeof ProviderSchema>["deadlines"]): Deadline[] {
  return deadlines.map((d) => ({ ...d, id: d.id ?? `${d.date}-${slugify(d.title)}` }));
}

/** Checks that every `sources: [...]` reference names a source the provider declares. */
function danglingSourceRefs(provider: Provider): { path: PropertyKey[]; message: string }[] {
  const known = new Set(provider.sources.map((s) => s.id));
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const check = (refs: readonly string[] | undefined, where: PropertyKey[]) => {
    (refs ?? []).forEach((ref, i) => {
      if (!known.has(ref))
        problems.push({ path: [...where, "sources", i], message: `unknown source "${ref}"` });
    });
  };
  check(provider.tiers?.sources, ["tiers"]);
  check(provider.trainsByDefault?.sources, ["trainsByDefault"]);
  check(provider.optOut?.sources, ["optOut"]);
  provider.optOut?.platforms.forEach((p, i) => {
    check(p.sources, ["optOut", "platforms", i]);
  });
  provider.notCovered.forEach((c, i) => {
    check(c.sources, ["notCovered", i]);
  });
  check(provider.retention?.sources, ["retention"]);
  provider.deadlines.forEach((d, i) => {
    check(d.sources, ["deadlines", i]);
  });
  return problems;
}

function duplicateIds(providers: readonly { id: string }[], what: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const { id } of providers) {
    if (seen.has(id)) problems.push(`duplicate ${what} id "${id}"`);
    seen.add(id);
  }
  return problems;
}

/** Document and event ids key stored history and announcements, so they must be unique across providers. */
function crossProviderDuplicates(providers: readonly Provider[]): string[] {
  const problems: string[] = [];
  for (const [what, idsOf] of [
    ["document", (p: Provider) => p.documents.map((d) => d.id)],
    ["dated event", (p: Provider) => p.deadlines.map((d) => d.id)],
  ] as const) {
    const owner = new Map<string, string>();
    for (const p of providers) {
      for (const id of idsOf(p)) {
        const other = owner.get(id);
        if (other && other !== p.id)
          problems.push(`${what} id "${id}" is used by both ${other} and ${p.id}; ids must be unique`);
        owner.set(id, p.id);
      }
    }
  }
  return problems;
}

export function validateProvider(raw: unknown, file: string, prefix: string, locate?: Locate): Provider {
  const parsed = ProviderSchema.safeParse(raw);
  if (!parsed.success) throw new CatalogError(describeIssues(file, prefix, parsed.error, locate));
  const provider: Provider = { ...parsed.data, deadlines: withDeadlineIds(parsed.data.deadlines) };
  const problems = [
    // Reported where the operator wrote it (an override's own indices), like schema problems.
    ...danglingSourceRefs(provider).map(({ path, message }) => {
      const at = locate ? locate(path) : { file, prefix, path };
      return `${at.file}: ${formatPath(at.prefix, at.path)}: ${message}`;
    }),
    ...[...duplicateIds(provider.documents, "document"), ...duplicateIds(provider.deadlines, "deadline")].map(
      (p) => `${file}: ${prefix}${prefix ? "." : ""}${p}`,
    ),
  ];
  if (problems.length) throw new CatalogError(problems);
  return provider;
}

/** Reads the raw (unvalidated) built-in provider objects, one YAML file each. */
export function readBuiltinRaw(dir = BUILTIN_PROVIDERS_DIR): { file: string; raw: unknown }[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  return files.map((f) => ({ file: join(dir, f), raw: readYaml(join(dir, f)) }));
}

/** Reads an overlay file: `{ providers: [...] }`, as parsed. */
export function readOverlayDocument(file: string): { providers: unknown[] } & Record<string, unknown> {
  const doc = readYaml(file);
  if (!doc || typeof doc !== "object" || !Array.isArray((doc as { providers?: unknown }).providers)) {
    throw new CatalogError([`${file}: providers: expected a list under a top-level "providers:" key`]);
  }
  return doc as { providers: unknown[] } & Record<string, unknown>;
}

/** Reads an overlay file: `{ providers: [...] }`. Returns the raw entries; any other top-level key is a typo. */
export function readOverlayRaw(file: string): unknown[] {
  const doc = readOverlayDocument(file);
  const unknown = Object.keys(doc).filter((k) => k !== "providers");
  if (unknown.length)
    throw new CatalogError(
      unknown.map((k) => `${file}: ${k}: unknown key "${k}" (only "providers:" is read)`),
    );
  return doc.providers;
}

/**
 * Loads the built-in catalog and, when given, merges an operator overlay over it: entries with a known
 * `id` override fields of the built-in provider (lists of objects merge by their `id`), others are added.
 * Every problem across all files is reported at once.
 */
export function loadCatalog(
  options: {
    overlayPath?: string | undefined;
    builtinDir?: string;
    /** Regulatory dates; null for none. Defaults to the built-in file unless `builtinDir` is given. */
    regulationFile?: string | null;
  } = {},
): Catalog {
  const problems: string[] = [];
  const rawById = new Map<string, { file: string; prefix: string; raw: unknown; locate?: Locate }>();
  for (const { file, raw } of readBuiltinRaw(options.builtinDir)) {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id !== "string") {
      problems.push(`${file}: id: every provider file needs an id`);
      continue;
    }
    if (rawById.has(id)) problems.push(`${file}: id: "${id}" is already used by ${rawById.get(id)?.file}`);
    rawById.set(id, { file, prefix: "", raw });
  }
  if (options.overlayPath) {
    const file = options.overlayPath;
    const seen = new Set<string>();
    readOverlayRaw(file).forEach((entry, i) => {
      const prefix = `providers[${i}]`;
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id !== "string") {
        problems.push(
          `${file}: ${prefix}.id: every overlay entry needs an id (a built-in id to override, or a new one)`,
        );
        return;
      }
      if (seen.has(id)) problems.push(`${file}: ${prefix}.id: "${id}" appears twice in the overlay`);
      seen.add(id);
      const base = rawById.get(id);
      if (!base) {
        rawById.set(id, { file, prefix, raw: entry });
        return;
      }
      const merged = mergeById(base.raw, entry);
      const locate: Locate = (path) => {
        const found = locateInSources(path, merged, entry, base.raw);
        return found.source === "overlay"
          ? { file, prefix, path: found.path }
          : { file: base.file, prefix: base.prefix, path: found.path };
      };
      rawById.set(id, { file, prefix, raw: merged, locate });
    });
  }
  const providers: Provider[] = [];
  for (const { file, prefix, raw, locate } of rawById.values()) {
    try {
      providers.push(validateProvider(raw, file, prefix, locate));
    } catch (err) {
      if (err instanceof CatalogError) problems.push(...err.problems);
      else throw err;
    }
  }
  problems.push(...crossProviderDuplicates(providers));
  if (problems.length) throw new CatalogError(problems);
  providers.sort((a, b) => a.name.localeCompare(b.name));
  const regulationFile =
    options.regulationFile === undefined
      ? options.builtinDir
        ? null
        : BUILTIN_REGULATION_FILE
      : options.regulationFile;
  return makeCatalog(providers, regulationFile ? loadRegulations(regulationFile) : []);
}
