import type { z } from "zod";
import { readBuiltinRaw, readOverlayDocument } from "./load.js";
import { ProviderSchema } from "./schema.js";

/**
 * `catalog validate --strict`: keys the schema does not know. The loader ignores them (an overlay written
 * for a newer release still loads), which also hides typos — `trainsByDefalt:` silently means "no
 * facts". Strict mode lists each one with its file and path.
 */

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema behind wrappers (optional, default, pipe …), if any. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i += 1) {
    const def = defOf(s);
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!inner) return s;
    s = inner;
  }
  return s;
}

const formatKey = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;

export function unknownKeys(schema: z.ZodType, value: unknown, path = ""): string[] {
  const def = defOf(unwrap(schema));
  if (def.type === "object" && def.shape && value && typeof value === "object" && !Array.isArray(value)) {
    const out: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      const field = def.shape[key];
      if (!field) out.push(`${formatKey(path, key)}: unknown key "${key}"`);
      else out.push(...unknownKeys(field, child, formatKey(path, key)));
    }
    return out;
  }
  if (def.type === "array" && def.element && Array.isArray(value))
    return value.flatMap((item, i) => unknownKeys(def.element as z.ZodType, item, formatKey(path, i)));
  return [];
}

/** Every unknown key in the built-in files and, when given, the overlay, as "file: path: unknown key". */
export function strictProblems(overlayPath?: string, builtinDir?: string): string[] {
  const problems: string[] = [];
  for (const { file, raw } of readBuiltinRaw(builtinDir))
    problems.push(...unknownKeys(ProviderSchema, raw).map((p) => `${file}: ${p}`));
  if (overlayPath) {
    const doc = readOverlayDocument(overlayPath);
    for (const key of Object.keys(doc))
      if (key !== "providers") problems.push(`${overlayPath}: ${key}: unknown key "${key}"`);
    doc.providers.forEach((entry, i) => {
      problems.push(
        ...unknownKeys(ProviderSchema, entry, `providers[${i}]`).map((p) => `${overlayPath}: ${p}`),
      );
    });
  }
  return problems;
}
