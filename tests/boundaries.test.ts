import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * One folder per concern, each with a small public surface: a module in one folder of src/ imports
 * another folder only through that folder's index.ts, so what a folder keeps to itself can change
 * without touching its users. Modules at the top of src/ (app.ts, wiring.ts, …) are the composition
 * root and may be imported by anyone.
 */
const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const modules = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

/** Every relative import in a module that reaches into another folder past its index. */
function deepImports(file: string): string[] {
  const [folder, ...rest] = relative(src, file).split(sep);
  if (!rest.length) return [];
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/\bfrom "(\.{1,2}\/[^"]+)"/g)].flatMap(([, spec]) => {
    const target = relative(src, resolve(dirname(file), spec!)).split(sep);
    const crossesInto = target.length >= 2 && target[0] !== folder;
    const throughIndex = target.length === 2 && target[1] === "index.js";
    return crossesInto && !throughIndex ? [`${relative(src, file)} imports ${spec}`] : [];
  });
}

describe("folder boundaries", () => {
  it("no module imports another folder except through its index.ts", () => {
    expect(modules(src).flatMap(deepImports)).toEqual([]);
  });
});
