import { describe, expect, it } from "vitest";
import { renderSteps, sourceLine } from "../../src/blocks/provider.js";
import { loadCatalog, type Source } from "../../src/catalog/index.js";

const catalog = loadCatalog();
const answer = (id: string) => JSON.stringify(renderSteps(catalog.byId(id)!, { today: "2026-12-01" }).blocks);

describe("provider answers, December 2026 facts", () => {
  it("says a source was read only when someone read it, and marks site roots", () => {
    const base: Source = { id: "s", url: "https://news.example/a", title: "News", grade: "press" };
    expect(sourceLine({ ...base, checked: "2026-11-30" })).toBe(
      "• <https://news.example/a|News> (press; checked 30 Nov 2026)",
    );
    expect(sourceLine({ ...base, cited: "2026-12-01", published: "2026-05-01" })).toBe(
      "• <https://news.example/a|News> (press; cited 1 Dec 2026, published 1 May 2026)",
    );
    expect(sourceLine({ ...base, url: "https://news.example", cited: "2026-12-01" })).toContain(
      "(article address unknown)",
    );
    expect(answer("linkedin")).not.toContain("article address unknown");
    expect(answer("grok")).toContain(
      "supergrok.tech|supergrok.tech guide to Grok data controls (article address not found)> (article address unknown)",
    );
  });

  it("splits Microsoft Copilot into the newer and the older app, per platform", () => {
    const json = answer("microsoft-copilot");
    expect(json).toContain("On the web or desktop app — newer app (2026-08-18 and later)");
    expect(json).toContain("On the web or desktop app — older app");
    expect(json).toContain("On Android — older app");
    expect(json).toContain("Training on conversation activity");
    expect(json).toContain("also shown as “Training on voice conversations”, “Model training on text”");
    expect(catalog.byId("microsoft-copilot")!.trainsByDefault?.value).toBe("partial");
  });

  it("lists ChatGPT's ads and marketing-cookie settings as related settings that are not training", () => {
    const json = answer("chatgpt");
    expect(json).toContain("*Related settings (not training)*");
    expect(json).toContain("“Marketing Privacy” — Settings → Data Controls → Marketing Privacy");
    expect(json).toContain("“Ad Controls”");
    expect(json).toContain("OpenAI announces ad tests in ChatGPT Free and Go in the US");
  });

  it("names Gemini's Keep Activity with its old name, Memory and imported chats", () => {
    const json = answer("gemini");
    expect(json).toContain("“Keep Activity” (also shown as “Gemini Apps Activity”)");
    expect(json).toContain("“Memory” (also shown as “Your past chats with Gemini”, “Past Chats”)");
    expect(json).toContain("Memory and chats you import from other AI platforms");
  });

  it("keeps Meta Muse under Not certain until Meta's page is read", () => {
    const meta = catalog.byId("meta-ai")!;
    expect(meta.uncertainties.join(" ")).toMatch(/Meta Muse.*needs a direct read/);
    expect(meta.deadlines.map((d) => d.title).join(" ")).not.toMatch(/Muse/);
  });
});
