import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
  homepage?: string;
};

/** The package version, read once from package.json (one level above src/ and dist/). */
export const VERSION: string = pkg.version;

/**
 * Names the bot to the sites it reads, with a link to its README (package.json `homepage`), so a site
 * operator can see who is fetching and why.
 */
export const USER_AGENT = `ai-privacy-bot/${VERSION} (${pkg.homepage ? `+${pkg.homepage}; ` : ""}policy-change monitor for Slack)`;
