import { describe, expect, it } from "vitest";
import { decodeHtml } from "../../src/monitor/charset.js";
import { extractText } from "../../src/monitor/extract.js";
import { type Fetcher, type FetchOutcome, runPolicyCheck } from "../../src/monitor/index.js";
import { openTestStore } from "../support/store.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { fetchedPage } from "./support/pages.js";

/** Issue 8, items 13 (layout is not a change) and 14 (control characters, contradictory charsets). */

const ITEMS = [
  "We use your conversations to improve our models unless you opt out in Settings.",
  "We keep your chats for 30 days after you delete them.",
  "We do not sell your personal data to third parties.",
];

const wrap = (body: string) =>
  `<!doctype html><html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1>${body}</main></body></html>`;

async function checker() {
  const store = await openTestStore();
  await store.subscriptions.upsert({
    teamId: "T1",
    channelId: "C1",
    providerId: "*",
    kinds: ["changes"],
    createdBy: "U1",
    now: new Date(0),
  });
  const catalog = testCatalog(
    testProvider("acme", [{ id: "acme-privacy", url: "https://acme.example/privacy", select: ["main"] }]),
  );
  let current = "";
  const fetcher: Fetcher = async (): Promise<FetchOutcome> => fetchedPage(current);
  let day = 1;
  const check = async (html: string) => {
    current = html;
    return (await runPolicyCheck({ store, catalog, fetcher, now: new Date(Date.UTC(2025, 0, day++)) }))[0]!;
  };
  const announcements = async () =>
    (await store.outbox.list({})).filter((r) => r.kind === "policy-change").length;
  return { store, check, announcements };
}

describe("a change of layout only is not a change", () => {
  it.each([
    ["blank lines between list items", `<ul>${ITEMS.map((t) => `<li>${t}</li>\n\n\n`).join("")}</ul>`],
    ["paragraphs wrapped inside list items", `<ul>${ITEMS.map((t) => `<li><p>${t}</p></li>`).join("")}</ul>`],
    ["spacing between blocks", `<ul>${ITEMS.map((t) => `<li><div><br></div>${t}<hr></li>`).join("")}</ul>`],
  ])("%s → unchanged, nothing announced", async (_, layout) => {
    const { check, announcements } = await checker();
    expect((await check(wrap(`<ul>${ITEMS.map((t) => `<li>${t}</li>`).join("")}</ul>`))).status).toBe("new");
    const result = await check(wrap(layout));
    expect(result.status).toBe("unchanged");
    expect(await announcements()).toBe(0);
  });

  it("paragraphs turned into list items, or a heading into bold text, read the same", async () => {
    const { check, announcements } = await checker();
    await check(wrap(`<h2>Your data</h2>${ITEMS.map((t) => `<p>${t}</p>`).join("")}`));
    const moved = await check(
      wrap(`<p><b>Your data</b></p><ul>${ITEMS.map((t) => `<li>${t}</li>`).join("")}</ul>`),
    );
    expect(moved.status).toBe("unchanged");
    expect(await announcements()).toBe(0);
  });

  it("`changed` always comes with at least one added or removed sentence", async () => {
    const { check, announcements } = await checker();
    await check(wrap(ITEMS.map((t) => `<p>${t}</p>`).join("")));
    // Only punctuation differs: visible, so a change, and the sentence that reads differently is shown.
    const punct = await check(wrap(ITEMS.map((t) => `<p>${t.replace(/\.$/, "")}</p>`).join("")));
    expect(punct.status).toBe("changed");
    expect(punct.highlights.length).toBeGreaterThan(0);
    const real = await check(wrap(ITEMS.map((t) => `<p>${t.replace("30 days", "5 years")}</p>`).join("")));
    expect(real.status).toBe("changed");
    expect(real.highlights.map((h) => h.change).sort()).toEqual(["added", "removed"]);
    expect(await announcements()).toBe(2);
  });
});

describe("extracted text carries no control characters or terminal escapes", () => {
  const filler = "This sentence is here so that the selection is long enough to count as a document.";
  it("strips CSI/OSC escapes and C0/C1 controls, raw or as character references", async () => {
    const html = wrap(
      `<p>Red \u001b[31malert\u001b[0m and \u001b]0;pwned\u0007title, bell\u0007 nul\u0000 del\u007f c1\u009b2J.</p>` +
        `<p>Refs &#27;[1mbold&#27;[0m &#7;too. ${filler}</p><table><tr><td>a\u001b[2Kb</td></tr></table><h2>H\u0008i</h2>`,
    );
    const result = extractText(html, { select: ["main"], remove: [] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(result.text).toContain("Red alert and title, bell nul del c1.");
    expect(result.text).toContain("Refs bold too.");
    expect(result.text).toContain("ab");
    expect(result.text).toContain("## Hi");
  });

  it("strips them from a challenge page's title in the failure reason", async () => {
    const html = `<html><head><title>Just a moment\u001b[31m...</title></head><body><main>x</main></body></html>`;
    const result = extractText(html, { select: ["main"], remove: [] });
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.reason).not.toContain("\u001b");
  });
});

describe("a charset declaration that contradicts the bytes", () => {
  const ascii = (meta: string) =>
    Buffer.from(`<!doctype html><html><head>${meta}</head><body><p>Privacy café</p></body></html>`, "utf8");

  it("a <meta charset=utf-16> on ASCII-compatible bytes is read as UTF-8 (HTML prescan rule)", async () => {
    expect(decodeHtml(ascii('<meta charset="utf-16">'), "text/html")).toContain("<p>Privacy café</p>");
    expect(
      decodeHtml(ascii('<meta http-equiv="content-type" content="text/html; charset=UTF-16LE">'), undefined),
    ).toContain("café");
  });

  it("a Content-Type utf-16 on bytes with no NUL falls back to UTF-8; real UTF-16 with a BOM still decodes", async () => {
    expect(decodeHtml(ascii(""), "text/html; charset=utf-16")).toContain("Privacy café");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<p>héllo</p>", "utf16le")]);
    expect(decodeHtml(utf16, "text/html; charset=utf-16")).toBe("<p>héllo</p>");
    expect(decodeHtml(ascii('<meta charset="iso-8859-1">'), "text/html")).toContain("cafÃ©");
    expect(decodeHtml(ascii('<meta charset="no-such-charset">'), "text/html")).toContain("café");
  });
});
