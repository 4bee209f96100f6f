import { describe, expect, it } from "vitest";
import {
  loadCatalog,
  lookupProvider,
  MAX_SEARCH_WORDS,
  searchCatalog,
  searchTerms,
} from "../../src/catalog/index.js";

const catalog = loadCatalog();
const found = (q: string) => {
  const r = lookupProvider(catalog, q);
  return r.kind === "found" ? r.provider.id : r.kind;
};

describe("provider lookup", () => {
  it.each([
    ["claude", "claude"],
    ["Claude", "claude"],
    ["  CLAUDE  ", "claude"],
    ["claud", "claude"],
    ["chat gpt", "chatgpt"],
    ["ChatGPT", "chatgpt"],
    ["chatgtp", "chatgpt"],
    ["openai", "chatgpt"],
    ["Anthropic", "claude"],
    ["gemni", "gemini"],
    ["le chat", "mistral-le-chat"],
    ["github copilot", "github-copilot"],
    ["otter", "otter-ai"],
  ])("%s → %s", (query, id) => {
    expect(found(query)).toBe(id);
  });

  it("asks which one for an ambiguous name", () => {
    const r = lookupProvider(catalog, "copilot");
    expect(r.kind).toBe("ambiguous");
    if (r.kind === "ambiguous")
      expect(r.candidates.map((p) => p.id).sort()).toEqual(["github-copilot", "microsoft-copilot"]);
  });

  it("suggests the nearest names for an unknown one", () => {
    const r = lookupProvider(catalog, "zzzz-unknown-bot");
    expect(r.kind).toBe("unknown");
    if (r.kind === "unknown") expect(r.suggestions.length).toBeGreaterThan(0);
    expect(lookupProvider(catalog, "").kind).toBe("unknown");
  });
});

describe("catalog search", () => {
  it("finds providers that mention a phrase", () => {
    const hits = searchCatalog(catalog, "5 years").map((h) => h.provider.id);
    expect(hits).toContain("claude");
  });

  it("matches every word, case-insensitively, with excerpts", () => {
    const hits = searchCatalog(catalog, "FEEDBACK");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]?.excerpts[0]?.toLowerCase()).toContain("feedback");
  });

  it("finds nothing for nonsense", () => {
    expect(searchCatalog(catalog, "qwxzv")).toEqual([]);
  });
});

describe("catalog search cost is bounded (issue 8, item 10)", () => {
  it("matches on distinct, meaningful words, at most MAX_SEARCH_WORDS of them", () => {
    const flood = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(" ");
    expect(searchTerms(flood)).toEqual({ words: [], ignored: 1000 });
    expect(searchCatalog(catalog, flood)).toEqual([]);
    const repeated = searchTerms(`${"training ".repeat(500)} data`);
    expect(repeated.words).toEqual(["training", "data"]);
    const many = searchTerms("aa bb cc dd ee ff gg hh ii jj kk");
    expect(many.words).toHaveLength(MAX_SEARCH_WORDS);
    expect(many.ignored).toBe(11 - MAX_SEARCH_WORDS);
    // Digits stay meaningful on their own.
    expect(searchTerms("5 years").words).toEqual(["5", "years"]);
  });

  it("still finds what a capped query's words name", () => {
    const hits = searchCatalog(catalog, `feedback ${"x ".repeat(900)}`).map((h) => h.provider.id);
    expect(hits).toEqual(searchCatalog(catalog, "feedback").map((h) => h.provider.id));
  });
});
