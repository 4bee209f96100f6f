import { readFileSync } from "node:fs";

/** The package version, read once from package.json (one level above src/ and dist/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export const USER_AGENT = `ai-privacy-bot/${VERSION} (+https://github.com/ai-privacy-bot/ai-privacy-bot#readme)`;
