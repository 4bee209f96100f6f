import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError, loadCatalog } from "../../src/catalog/index.js";
import { mergeById } from "../../src/catalog/merge.js";

const REQUIRED = [
  "claude",
  "chatgpt",
  "gemini",
  "microsoft-copilot",
  "meta-ai",
  "grok",
  "linkedin",
  "perplexity",
  "mistral-le-chat",
  "github-copilot",
  "deepseek",
  "slack",
  "zoom",
  "adobe",
  "amazon-alexa",
  "reddit-stack-overflow",
  "grammarly",
  "notion-ai",
  "cursor",
  "otter-ai",
  "figma-ai",
  "pinterest",
  "tumblr",
  "wordpress-com",
  "snapchat-my-ai",
  "character-ai",
];

function overlay(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "aipb-overlay-")), "overlay.yaml");
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

describe("built-in catalog", () => {
  const catalog = loadCatalog();

  it("has the 26 required providers", () => {
    for (const id of REQUIRED) expect(catalog.byId(id), id).toBeDefined();
    expect(catalog.providers.length).toBe(26);
  });

  it("backs every fact with a dated source and shows when it was reviewed", () => {
    for (const p of catalog.providers) {
      expect(p.lastReviewed, p.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (p.sources.length === 0) {
        // A provider whose facts have no recorded address keeps them all as visible uncertainties.
        expect(p.confidence, p.id).toBe("weak");
        expect(
          [p.trainsByDefault, p.optOut, p.retention, ...p.notCovered, ...p.deadlines].filter(Boolean),
          p.id,
        ).toEqual([]);
        expect(p.uncertainties.length, p.id).toBeGreaterThan(0);
      }
      for (const s of p.sources) {
        // No page was fetched live for the fact sheets: built-ins say when the sheet cited a source, never
        // that someone checked it.
        expect(s.checked, `${p.id}/${s.id}`).toBeUndefined();
        expect(s.cited, `${p.id}/${s.id}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      const facts = [
        p.trainsByDefault,
        p.optOut,
        p.retention,
        ...p.notCovered,
        ...p.deadlines,
        ...(p.optOut?.platforms ?? []),
      ];
      for (const fact of facts)
        if (fact)
          expect(fact.sources.length, `${p.id}: ${JSON.stringify(fact).slice(0, 80)}`).toBeGreaterThan(0);
    }
  });

  it("uses only URLs that appear in the sourced fact sheets", () => {
    const sheets = ["providers.md", "providers-2026.md", "policy-documents.md"].map((f) => {
      try {
        return readFileSync(join(__dirname, "../../../shared/reference", f), "utf8");
      } catch {
        return undefined;
      }
    });
    if (sheets.some((s) => s === undefined)) {
      console.log("skipped URL provenance check: ../shared/reference is not present in this clone");
      return;
    }
    const text = sheets.join("\n");
    for (const p of catalog.providers) {
      const urls = [
        ...p.sources.map((s) => s.url),
        ...p.documents.map((d) => d.url),
        ...(p.optOut?.settingsUrl ? [p.optOut.settingsUrl] : []),
      ];
      for (const url of urls)
        expect(text, `${p.id}: ${url}`).toContain(url.replace(/^https?:\/\//, "").replace(/\/$/, ""));
    }
  });

  it("keeps ids unique across the catalog for documents and dated events", () => {
    const docIds = catalog.providers.flatMap((p) => p.documents.map((d) => d.id));
    const eventIds = catalog.providers.flatMap((p) => p.deadlines.map((d) => d.id));
    expect(new Set(docIds).size).toBe(docIds.length);
    expect(new Set(eventIds).size).toBe(eventIds.length);
  });

  it("has the Claude facts from the fact sheet", () => {
    const claude = catalog.byId("claude")!;
    expect(claude.trainsByDefault?.value).toBe("yes");
    expect(claude.optOut?.label).toBe("Help improve Claude");
    expect(claude.optOut?.alternateLabels).toContain("Help improve our AI models");
    expect(claude.optOut?.alternateLabels).toContain("You can help improve Claude");
    expect(claude.tiers?.excluded).toContain("Claude for Work (Team, Enterprise)");
    expect(claude.deadlines.map((d) => d.date)).toContain("2026-07-08");
    expect(claude.retention?.withTraining).toMatch(/5 years/);
    expect(claude.retention?.withoutTraining).toMatch(/30 days/);
    expect(claude.deadlines.map((d) => d.date)).toContain("2025-10-08");
  });
});

describe("operator overlay", () => {
  it("accepts the documented example and adds the provider with only id and name", () => {
    const file = overlay(`providers:
  - id: acme-ai
    name: Acme AI
    deadlines:
      - date: 2026-12-02
        title: Acme AI starts training on customer chats
    documents:
      - id: acme-privacy
        title: Privacy Policy
        url: http://127.0.0.1:8080/privacy
        select: ["main"]
`);
    const catalog = loadCatalog({ overlayPath: file });
    const acme = catalog.byId("acme-ai")!;
    expect(acme.name).toBe("Acme AI");
    expect(acme.deadlines[0]).toMatchObject({
      date: "2026-12-02",
      id: "2026-12-02-acme-ai-starts-training-on-customer-chat",
    });
    expect(acme.documents[0]?.select).toEqual(["main"]);
    expect(catalog.providers.length).toBe(loadCatalog().providers.length + 1);
  });

  it("overrides fields of a built-in provider and merges lists by id", () => {
    const file = overlay(`providers:
  - id: claude
    confidence: medium
    documents:
      - id: anthropic-privacy-policy
        url: http://mirror.internal/anthropic/privacy
      - id: anthropic-usage-policy
        title: Usage Policy (internal mirror)
        url: http://mirror.internal/anthropic/aup
`);
    const builtin = loadCatalog().byId("claude")!;
    const claude = loadCatalog({ overlayPath: file }).byId("claude")!;
    expect(claude.confidence).toBe("medium");
    const privacy = claude.documents.find((d) => d.id === "anthropic-privacy-policy")!;
    expect(privacy.url).toBe("http://mirror.internal/anthropic/privacy");
    expect(privacy.select).toEqual(
      builtin.documents.find((d) => d.id === "anthropic-privacy-policy")!.select,
    );
    expect(claude.documents.length).toBe(builtin.documents.length + 1);
    expect(claude.optOut?.label).toBe(builtin.optOut?.label);
  });

  it("names the file and the path of every problem", () => {
    const file = overlay(`providers:
  - id: acme-ai
    name: Acme AI
  - id: beta
    name: Beta
  - id: gamma-ai
    name: Gamma
    optOut:
      platforms:
        - id: web
          steps:
            - id: one
              text: ""
    deadlines:
      - date: next tuesday
        title: Something
`);
    const found = problems(() => loadCatalog({ overlayPath: file }));
    expect(found.some((p) => p.startsWith(`${file}: providers[2].optOut.platforms[0].steps[0].text`))).toBe(
      true,
    );
    expect(found.some((p) => p.includes("providers[2].deadlines[0].date") && p.includes("YYYY-MM-DD"))).toBe(
      true,
    );
  });

  it("reports a missing file, bad YAML and a missing providers list clearly", () => {
    expect(problems(() => loadCatalog({ overlayPath: "/nonexistent/overlay.yaml" }))[0]).toMatch(
      /cannot read the file/,
    );
    expect(problems(() => loadCatalog({ overlayPath: overlay("providers: [\n") }))[0]).toMatch(
      /not valid YAML/,
    );
    expect(problems(() => loadCatalog({ overlayPath: overlay("acme: 1\n") }))[0]).toMatch(
      /providers: expected a list/,
    );
    expect(problems(() => loadCatalog({ overlayPath: overlay("providers:\n  - name: No Id\n") }))[0]).toMatch(
      /providers\[0\]\.id/,
    );
  });

  it("rejects references to undeclared sources", () => {
    const file = overlay(`providers:
  - id: acme-ai
    name: Acme AI
    trainsByDefault:
      value: "yes"
      sources: [nowhere]
`);
    expect(problems(() => loadCatalog({ overlayPath: file }))[0]).toMatch(
      /providers\[0\]\.trainsByDefault\.sources\[0\]: unknown source "nowhere"/,
    );
  });
});

describe("mergeById", () => {
  it("merges objects deeply, lists of objects by id, and replaces other lists", () => {
    const base = {
      a: 1,
      tags: ["x", "y"],
      items: [
        { id: "p", v: 1, keep: true },
        { id: "q", v: 2 },
      ],
      nested: { k: 1, j: 2 },
    };
    const over = {
      tags: ["z"],
      items: [
        { id: "q", v: 3 },
        { id: "r", v: 4 },
      ],
      nested: { j: 5 },
    };
    expect(mergeById(base, over)).toEqual({
      a: 1,
      tags: ["z"],
      items: [
        { id: "p", v: 1, keep: true },
        { id: "q", v: 3 },
        { id: "r", v: 4 },
      ],
      nested: { k: 1, j: 5 },
    });
  });
});

describe("cross-provider ids", () => {
  it("rejects a document id used by two providers", () => {
    const file = overlay(`providers:
  - id: acme-ai
    name: Acme AI
    documents:
      - id: anthropic-privacy-policy
        title: Copy
        url: http://127.0.0.1:8080/privacy
`);
    expect(problems(() => loadCatalog({ overlayPath: file })).join()).toMatch(
      /document id "anthropic-privacy-policy" is used by both/,
    );
  });
});
