import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** Features sit above the outbox: they enqueue through src/outbox/index.ts and never touch outbox rows. */
const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
const files = (dir: string): string[] =>
  readdirSync(join(src, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

describe("outbox boundary", () => {
  for (const feature of ["announce", "monitor", "reminders"]) {
    it(`${feature}/ uses only outbox/index.ts and never store.outbox (or tx.outbox)`, async () => {
      const offending = files(feature).flatMap((f) => {
        const text = readFileSync(join(src, f), "utf8");
        const bad = [
          // A transaction's store (`tx`) is a store too.
          ...text.matchAll(/\b(?:store|tx)\.outbox\b/g),
          ...text.matchAll(/from "\.\.\/outbox\/(?!index\.js")[^"]*"/g),
        ];
        return bad.map((m) => `${f}: ${m[0]}`);
      });
      expect(offending).toEqual([]);
    });
  }
});
