import { describe, expect, it } from "vitest";
import { comparableText, extractText, MIN_READABLE_CHARS, rulesKey } from "../../src/monitor/extract.js";

const filler = "This sentence is here so that the selection is long enough to count as a document. ".repeat(
  2,
);
const page = (main: string, head = "<title>Policy</title>") =>
  `<!doctype html><html><head>${head}</head><body><main>${main}<p>${filler}</p></main></body></html>`;
const rules = { select: ["main"], remove: [] as string[] };

function text(html: string, r = rules): string {
  const result = extractText(html, r);
  if (!result.ok) throw new Error(result.reason);
  return result.text;
}

describe("extractText", () => {
  it("keeps headings, lists and tables readable", () => {
    const out = text(
      page(`<h2>Your choices</h2>
        <ul><li>Opt out in <b>Settings</b></li><li>Delete chats<ul><li>one by one</li></ul></li></ul>
        <ol start="3"><li>third</li><li>fourth</li></ol>
        <table><tr><th>Data</th><th>Kept for</th></tr><tr><td><p>Chats</p><p>Files</p></td><td>30 days<br>or less</td></tr></table>`),
    );
    expect(out).toContain("## Your choices");
    expect(out).toContain("- Opt out in Settings\n- Delete chats\n  - one by one");
    expect(out).toContain("3. third\n4. fourth");
    expect(out).toContain("Data | Kept for\nChats ¶ Files | 30 days / or less");
  });

  it("drops scripts, styles, hidden elements, images and link targets", () => {
    const out = text(
      page(`<script>var secret = 1</script><style>.a{}</style><noscript>enable JS</noscript>
        <p hidden>hidden attr</p><p style="display: none">display none</p><p style="visibility:hidden">invisible</p>
        <input type="hidden" value="token"><img src="/a.png" alt="logo">
        <p>Read <a href="https://x.example/redirect/123?utm_source=a">our settings</a>.</p>`),
    );
    expect(out).not.toMatch(/secret|\.a\{|enable JS|hidden attr|display none|invisible|token|logo|redirect/);
    expect(out).toContain("Read our settings.");
  });

  it("applies select in catalog order and remove inside the selection", () => {
    const html = page(
      `<section id="b">Second ${filler}</section><section id="a">First<aside class="ad">Buy now</aside></section>`,
    );
    const out = text(html, { select: ["#a", "#b", "#a aside"], remove: [".ad"] });
    expect(out.indexOf("First")).toBeLessThan(out.indexOf("Second"));
    expect(out).not.toContain("Buy now");
  });

  it("fails, never succeeds, on no match, a tiny selection, a challenge page or a bad selector", () => {
    expect(extractText(page("x"), { select: ["#missing"], remove: [] })).toMatchObject({ ok: false });
    const browser = extractText(page("x"), { select: ["#missing"], remove: [], needsBrowser: true });
    expect(browser).toMatchObject({ ok: false, reason: expect.stringMatching(/needs a browser/) });
    const tiny = extractText("<main><p>Loading…</p></main>", rules);
    expect(tiny).toMatchObject({ ok: false, reason: expect.stringMatching(/only \d+ characters/) });
    expect(MIN_READABLE_CHARS).toBeGreaterThan(20);
    const challenge = extractText(page("<p>hi</p>", "<title>Just a moment...</title>"), rules);
    expect(challenge).toMatchObject({ ok: false, reason: expect.stringMatching(/bot-challenge/) });
    expect(extractText(page("x"), { select: ["main[["], remove: [] })).toMatchObject({ ok: false });
  });

  it("hashes the same visible text the same whatever the markup and white space", () => {
    const a = extractText(page("<p>We keep   chats\n for 30&nbsp;days.</p>"), rules);
    const b = extractText(page('<div class="x"><p><span>We keep chats for</span> 30 days.</p></div>'), rules);
    const c = extractText(page("<p>We keep chats for 31 days.</p>"), rules);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.hash).toBe(b.hash);
      expect(a.hash).not.toBe(c.hash);
    }
  });

  it("ignores tracking parameters and invisible characters in visible URLs", () => {
    expect(comparableText("See https://x.example/p?utm_source=mail&id=3 now\u200b")).toBe(
      "See https://x.example/p?id=3 now",
    );
  });

  it("keys the rules so a selector change is noticed", () => {
    expect(rulesKey({ select: ["main"], remove: [] })).not.toBe(
      rulesKey({ select: ["article"], remove: [] }),
    );
  });
});
