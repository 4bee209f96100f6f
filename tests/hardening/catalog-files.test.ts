import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError, loadCatalog } from "../../src/catalog/index.js";

function overlay(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "aipb-files-")), "overlay.yaml");
  writeFileSync(file, yaml);
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogError) return err.problems;
    throw err;
  }
  return [];
}

describe("overlay problems name the overlay file's own paths (issue 8, item 23)", () => {
  it("a new document in an override of a built-in is documents[0] of the overlay, not of the merged list", () => {
    expect(loadCatalog().byId("claude")?.documents.length).toBeGreaterThan(0);
    const file = overlay(
      [
        "providers:",
        "  - id: acme-ai",
        "    name: Acme AI",
        "  - id: claude",
        "    documents:",
        "      - id: claude-extra",
        "        title: Extra",
        "        url: not-a-url",
      ].join("\n"),
    );
    expect(problems(() => loadCatalog({ overlayPath: file }))).toEqual([
      `${file}: providers[1].documents[0].url: Invalid URL`,
      `${file}: providers[1].documents[0].url: must be an http(s) URL`,
    ]);
  });

  it("an unknown source in an event an override adds is named at the overlay's own index", () => {
    const file = overlay(
      [
        "providers:",
        "  - id: claude",
        "    deadlines:",
        "      - date: 2026-12-24",
        "        title: A new date",
        "        sources: [anthropic-news-2025, nowhere]",
      ].join("\n"),
    );
    expect(loadCatalog().byId("claude")?.deadlines.length).toBeGreaterThan(0);
    const found = problems(() => loadCatalog({ overlayPath: file }));
    expect(found).toContainEqual(`${file}: providers[0].deadlines[0].sources[1]: unknown source "nowhere"`);
  });

  it("a valid document added to a built-in loads", () => {
    const file = overlay(
      "providers:\n  - id: claude\n    documents:\n      - id: claude-extra\n        title: x\n        url: https://example.com/x\n",
    );
    expect(problems(() => loadCatalog({ overlayPath: file }))).toEqual([]);
  });

  it("a YAML syntax error shows the line, the column and a caret", () => {
    const file = overlay("providers:\n  - id: acme\n    name: [Acme\n  aliases: x\n");
    const [problem] = problems(() => loadCatalog({ overlayPath: file }));
    expect(problem).toMatch(new RegExp(`^${file}:4:3: not valid YAML: `));
    expect(problem).toContain("\n      aliases: x\n      ^");
  });

  it("CATALOG_PATH=/dev/zero or a FIFO fails at once instead of reading for ever", () => {
    expect(problems(() => loadCatalog({ overlayPath: "/dev/zero" }))).toEqual([
      "/dev/zero: not a regular file (a device or socket); point CATALOG_PATH at a YAML file",
    ]);
    const fifo = join(mkdtempSync(join(tmpdir(), "aipb-fifo-")), "overlay.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(problems(() => loadCatalog({ overlayPath: fifo }))).toEqual([
      `${fifo}: not a regular file (a FIFO); point CATALOG_PATH at a YAML file`,
    ]);
  });

  const MAIN = join(import.meta.dirname, "../../dist/main.js");
  it.skipIf(!existsSync(MAIN))("the bot itself stops at once with exit 2 for CATALOG_PATH=/dev/zero", () => {
    const res = spawnSync(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: "xoxb-test-token",
        SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5",
        SLACK_API_URL: "http://127.0.0.1:9/",
        DATABASE_URL: "sqlite::memory:",
        CATALOG_PATH: "/dev/zero",
      },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("/dev/zero: not a regular file");
  });
});
