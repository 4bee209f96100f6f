// tsc only emits JavaScript; the built-in catalog is YAML data that must travel with dist/.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "src", "catalog", "providers");
const to = join(root, "dist", "catalog", "providers");
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true });
// Regulatory dates (EU AI Act, US states) live beside the providers.
cpSync(join(root, "src", "catalog", "regulation.yaml"), join(root, "dist", "catalog", "regulation.yaml"));
