import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError, loadCatalog, qualityProblems } from "../../src/catalog/index.js";
import { BUILTIN_PROVIDERS_DIR } from "../../src/catalog/load.js";
import { describeFailure, runCli } from "../../src/cli.js";

const TODAY = "2026-12-01";

function overlay(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "aipb-gates-")), "overlay.yaml");
  writeFileSync(file, yaml);
  return file;
}

/** The quality problems of the built-in catalog plus one overlay, for the overlay's providers only. */
function gates(yaml: string, today = TODAY): string[] {
  const catalog = loadCatalog({ overlayPath: overlay(yaml) });
  return qualityProblems(catalog.providers, today);
}

function loadProblems(yaml: string): string[] {
  try {
    loadCatalog({ overlayPath: overlay(yaml) });
  } catch (err) {
    if (err instanceof CatalogError) return err.problems;
    throw err;
  }
  return [];
}

/** Runs the CLI as the binary does: a catalog problem is printed by describeFailure with exit code 2. */
async function cli(args: string[]): Promise<{ code: number; text: string }> {
  let text = "";
  const io = { write: (s: string) => (text += s) };
  try {
    return { code: await runCli(args, io, io, {}), text };
  } catch (e) {
    const known = describeFailure(e);
    if (!known) throw e;
    return { code: 2, text: text + known };
  }
}

const ACME = `providers:
  - id: acme-ai
    name: Acme AI
    ownHosts: [acme.example]
    lastReviewed: 2026-11-30
`;

describe("catalog quality gates", () => {
  it("pass on the built-in catalog", () => {
    expect(qualityProblems(loadCatalog().providers, TODAY)).toEqual([]);
  });

  it("find a list item that YAML split on a comma inside parentheses", () => {
    const problems = gates(`${ACME}    tiers:
      excluded: [Acme for Work (Team, Enterprise), API]
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /^acme-ai: tiers\.excluded\[0\]: "Acme for Work \(Team" has an unbalanced bracket/,
      ),
      expect.stringMatching(/^acme-ai: tiers\.excluded\[1\]: "Enterprise\)" has an unbalanced bracket/),
    ]);
    expect(gates(`${ACME}    tiers:\n      excluded: ["Acme for Work (Team, Enterprise)", API]\n`)).toEqual(
      [],
    );
  });

  it("refuse a strong fact resting only on aggregators or site roots", () => {
    const strong = (sources: string) => `${ACME}    confidence: strong
    trainsByDefault: { value: "yes", sources: [a] }
    sources:
${sources}`;
    const aggregator = strong(
      "      - { id: a, url: https://blog.example/post, title: A blog, cited: 2026-11-30, grade: aggregator }\n",
    );
    expect(gates(aggregator).join("\n")).toMatch(
      /acme-ai: trainsByDefault: confidence is strong but its only sources \(a\)/,
    );
    const siteRoot = strong(
      "      - { id: a, url: https://news.example, title: News, cited: 2026-11-30, grade: press }\n",
    );
    expect(gates(siteRoot).join("\n")).toMatch(/trainsByDefault: confidence is strong/);
    const article = strong(
      "      - { id: a, url: https://news.example/2026/acme, title: News, cited: 2026-11-30, grade: press }\n",
    );
    expect(gates(article)).toEqual([]);
  });

  it("refuse an official grade or a settings link on a host the provider does not own", () => {
    const problems = gates(`${ACME}    optOut:
      settingsUrl: https://evil.example/settings
    sources:
      - { id: m, url: https://mirror.example/acme-help, title: Mirror, cited: 2026-11-30, grade: official }
      - { id: h, url: https://help.acme.example/training, title: Help, cited: 2026-11-30, grade: official }
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /^acme-ai: sources\[0\] \(m\): graded official but mirror\.example is not one of acme-ai's own hosts \(acme\.example\)/,
      ),
      expect.stringMatching(/^acme-ai: optOut\.settingsUrl: evil\.example is not one of acme-ai's own hosts/),
    ]);
  });

  it("refuse dated events out of order and review or citation dates in the future", () => {
    const problems = gates(`providers:
  - id: acme-ai
    name: Acme AI
    lastReviewed: 2026-12-02
    deadlines:
      - { date: 2026-12-20, title: Later }
      - { date: 2026-12-10, title: Earlier }
    sources:
      - { id: s, url: https://acme.example/news, title: News, cited: 2026-12-05, grade: press }
`);
    expect(problems).toEqual([
      "acme-ai: lastReviewed: 2026-12-02 is in the future (today is 2026-12-01)",
      "acme-ai: sources[0].cited: 2026-12-05 is in the future (today is 2026-12-01)",
      "acme-ai: deadlines[1]: 2026-12-10 comes before deadlines[0] (2026-12-20); list dated events in date order",
    ]);
  });

  it("refuse a name or alias that another provider already answers to", () => {
    expect(gates(`${ACME}    aliases: [acme, Chat GPT]\n`)).toEqual([
      'chatgpt: the name "chatgpt" is also used by acme-ai ("Chat GPT"); names and aliases must be unique across providers',
    ]);
  });

  it("refuse unknown keys anywhere (the schema is strict) and impossible dates", () => {
    expect(loadProblems(`${ACME}    trainsByDefalt: { value: "yes" }\n`).join("\n")).toMatch(
      /overlay\.yaml: providers\[0\]: Unrecognized key: "trainsByDefalt"/,
    );
    expect(
      loadProblems(
        `${ACME}    sources:\n      - { id: s, url: https://acme.example/a, title: A, checkd: 2026-11-30 }\n`,
      ).join("\n"),
    ).toMatch(/providers\[0\]\.sources\[0\]: Unrecognized key: "checkd"/);
    expect(loadProblems(`${ACME}    deadlines: [{ date: 2027-02-30, title: Nope }]\n`).join("\n")).toMatch(
      /2027-02-30 is not a real calendar date/,
    );
  });

  it("need either checked or cited on a source", () => {
    expect(
      loadProblems(`${ACME}    sources:\n      - { id: s, url: https://acme.example/a, title: A }\n`).join(
        "\n",
      ),
    ).toMatch(/sources\[0\]\.checked: give checked \(when the page was read\) or cited/);
  });
});

describe("ai-privacy catalog validate and diff", () => {
  it("validate passes the built-in catalog and fails, naming the problem, on a bad overlay", async () => {
    expect(await cli(["catalog", "validate"])).toEqual({ code: 0, text: "OK: 26 providers (built-in)\n" });
    const file = overlay(`${ACME}    aliases: [claude ai]\n`);
    const bad = await cli(["catalog", "validate", file]);
    expect(bad.code).toBe(2);
    expect(bad.text).toContain('Catalog problems:\n  - claude: the name "claude ai" is also used by acme-ai');
    const extra = overlay(`providers: []\nprovider: []\n`);
    expect((await cli(["catalog", "validate", extra])).text).toContain(
      `${extra}: provider: unknown key "provider"`,
    );
  });

  it("diff prints what would change for users between two catalogs", async () => {
    const old = mkdtempSync(join(tmpdir(), "aipb-old-catalog-"));
    cpSync(BUILTIN_PROVIDERS_DIR, old, { recursive: true });
    const file = join(old, "chatgpt.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "label: Improve the model for everyone",
        "label: Chat history & training",
      ),
    );
    writeFileSync(join(old, "figma-ai.yaml"), "id: figma-ai\nname: Figma AI\n");
    const changed = await cli(["catalog", "diff", old, BUILTIN_PROVIDERS_DIR]);
    expect(changed.code).toBe(0);
    expect(changed.text).toContain(
      "~ ChatGPT (chatgpt):\n    Setting label: Chat history & training → Improve the model for everyone",
    );
    expect(changed.text).toContain("~ Figma AI (figma-ai):\n    Trains by default: unknown → yes");
    expect(await cli(["catalog", "diff", BUILTIN_PROVIDERS_DIR, BUILTIN_PROVIDERS_DIR])).toEqual({
      code: 0,
      text: "No changes that users would see.\n",
    });
    const usage = await cli(["catalog", "diff", old]);
    expect(usage.code).toBe(2);
    expect(usage.text).toMatch(
      /Usage: ai-privacy catalog validate \[file\] \| ai-privacy catalog diff <old> <new>/,
    );
  });
});
