import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** A worker module that throws as it loads (a broken deploy): no thread of a pool using it finishes starting. */
export function brokenWorkerUrl(): URL {
  const file = join(mkdtempSync(join(tmpdir(), "broken-worker-")), "worker.mjs");
  writeFileSync(file, 'throw new Error("cannot load");\nexport default () => undefined;\n');
  return pathToFileURL(file);
}
