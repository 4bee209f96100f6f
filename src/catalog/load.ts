import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { mergeById } from "./merge.js";
import { type Deadline, type Provider, ProviderSchema } from "./schema.js";

export const BUILTIN_PROVIDERS_DIR = join(dirname(fileURLToPath(import.meta.url)), "providers");

/** A catalog problem, already phrased for an operator: file, path inside it, what is wrong. */
export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "CatalogError";
  }
}

export interface Catalog {
  readonly providers: readonly Provider[];
  byId(id: string): Provider | undefined;
}

export function makeCatalog(providers: Provider[]): Catalog {
  const index = new Map(providers.map((p) => [p.id, p]));
  return { providers, byId: (id) => index.get(id) };
}

function formatPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${String(key)}`;
  return out;
}

export function describeIssues(file: string, prefix: string, error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${file}: ${formatPath(prefix, issue.path) || "(root)"}: ${issue.message}`,
  );
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CatalogError([`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new CatalogError([`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`]);
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
function danglingSourceRefs(provider: Provider): string[] {
  const known = new Set(provider.sources.map((s) => s.id));
  const problems: string[] = [];
  const check = (refs: readonly string[] | undefined, where: string) => {
    for (const ref of refs ?? [])
      if (!known.has(ref)) problems.push(`${where}.sources: unknown source "${ref}"`);
  };
  check(provider.tiers?.sources, "tiers");
  check(provider.trainsByDefault?.sources, "trainsByDefault");
  check(provider.optOut?.sources, "optOut");
  provider.optOut?.platforms.forEach((p, i) => {
    check(p.sources, `optOut.platforms[${i}]`);
  });
  provider.notCovered.forEach((c, i) => {
    check(c.sources, `notCovered[${i}]`);
  });
  check(provider.retention?.sources, "retention");
  provider.deadlines.forEach((d, i) => {
    check(d.sources, `deadlines[${i}]`);
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

export function validateProvider(raw: unknown, file: string, prefix: string): Provider {
  const parsed = ProviderSchema.safeParse(raw);
  if (!parsed.success) throw new CatalogError(describeIssues(file, prefix, parsed.error));
  const provider: Provider = { ...parsed.data, deadlines: withDeadlineIds(parsed.data.deadlines) };
  const problems = [
    ...danglingSourceRefs(provider),
    ...duplicateIds(provider.documents, "document"),
    ...duplicateIds(provider.deadlines, "deadline"),
  ];
  if (problems.length)
    throw new CatalogError(problems.map((p) => `${file}: ${prefix}${prefix ? "." : ""}${p}`));
  return provider;
}

/** Reads the raw (unvalidated) built-in provider objects, one YAML file each. */
export function readBuiltinRaw(dir = BUILTIN_PROVIDERS_DIR): { file: string; raw: unknown }[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  return files.map((f) => ({ file: join(dir, f), raw: readYaml(join(dir, f)) }));
}

/** Reads an overlay file: `{ providers: [...] }`. Returns the raw entries. */
export function readOverlayRaw(file: string): unknown[] {
  const doc = readYaml(file);
  if (!doc || typeof doc !== "object" || !Array.isArray((doc as { providers?: unknown }).providers)) {
    throw new CatalogError([`${file}: providers: expected a list under a top-level "providers:" key`]);
  }
  return (doc as { providers: unknown[] }).providers;
}

/**
 * Loads the built-in catalog and, when given, merges an operator overlay over it: entries with a known
 * `id` override fields of the built-in provider (lists of objects merge by their `id`), others are added.
 * Every problem across all files is reported at once.
 */
export function loadCatalog(
  options: { overlayPath?: string | undefined; builtinDir?: string } = {},
): Catalog {
  const problems: string[] = [];
  const rawById = new Map<string, { file: string; prefix: string; raw: unknown }>();
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
      rawById.set(id, { file, prefix, raw: base ? mergeById(base.raw, entry) : entry });
    });
  }
  const providers: Provider[] = [];
  for (const { file, prefix, raw } of rawById.values()) {
    try {
      providers.push(validateProvider(raw, file, prefix));
    } catch (err) {
      if (err instanceof CatalogError) problems.push(...err.problems);
      else throw err;
    }
  }
  problems.push(...crossProviderDuplicates(providers));
  if (problems.length) throw new CatalogError(problems);
  providers.sort((a, b) => a.name.localeCompare(b.name));
  return makeCatalog(providers);
}
