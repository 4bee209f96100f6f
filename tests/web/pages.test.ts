import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/web/index.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { HOSTILE, recordNextChange, SECRET_CHANNEL, SECRET_USER, type Seeded, seedStore } from "./seed.js";

/** The web surface over the bot's real HTTP server (Bolt custom routes), with a seeded store. */

const PUBLIC_URL = "https://privacy-bot.example.com";
let bot: TestBot;
let base: string;
let seeded: Seeded;

beforeAll(async () => {
  bot = await startTestBot({
    env: { PUBLIC_URL, DEFAULT_TIMEZONE: "Europe/Berlin" },
    now: () => new Date("2026-12-01T10:00:00Z"),
  });
  seeded = await seedStore(bot.deps.store);
  base = bot.url.replace(/\/slack\/events$/, "");
});

afterAll(async () => {
  await bot.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

describe("change page", () => {
  it("shows provider, document, dates, highlights, the word diff and neighbours", async () => {
    const res = await get(`/changes/${seeded.firstChangeId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const body = await res.text();
    expect(body).toContain("<h1>Claude: Anthropic Consumer Terms changed</h1>");
    expect(body).toContain('href="https://www.anthropic.com/legal/consumer-terms"');
    expect(body).toContain('<time datetime="2026-02-10T12:17:00.000Z">10 Feb 2026</time>');
    expect(body).toContain('<time datetime="2026-03-01">1 Mar 2026</time>');
    // The retention edit is a word diff inside one paragraph.
    expect(body).toMatch(/<del>30 days after you delete them\.<\/del>|<del>30<\/del>/);
    expect(body).toContain("<ins>5</ins>");
    // Unchanged context is folded.
    expect(body).toMatch(/<details><summary>\d+ unchanged paragraphs<\/summary>/);
    expect(body).toContain(`href="${PUBLIC_URL}/changes/${seeded.secondChangeId}" rel="next"`);
    expect(body).toContain("No earlier change");
    expect(body).toContain(`href="${PUBLIC_URL}/providers/claude"`);
  });

  it("escapes page text: no tag, attribute or Slack mention survives", async () => {
    const body = await (await get(`/changes/${seeded.firstChangeId}`)).text();
    expect(body).not.toContain("<script>");
    expect(body).not.toContain("<img");
    expect(body).not.toContain("<b>bold");
    expect(body).toContain("&lt;script&gt;window.__pwned = 1&lt;/script&gt;");
    expect(body).toContain("&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;");
    expect(HOSTILE).toContain("<!channel>");
    expect(body).toContain("&lt;!channel&gt;");
  });

  it("sends a strict Content-Security-Policy and no inline script or style", async () => {
    const res = await get(`/changes/${seeded.secondChangeId}`);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await res.text();
    expect(body).not.toMatch(/<script|<style|<[a-z][^>]*\s(style|on[a-z]+)=/i);
    expect(body).toContain(`href="${PUBLIC_URL}/changes/${seeded.firstChangeId}" rel="prev"`);
  });

  it("answers 400 for a malformed id and 404 for a baseline or unknown one, as pages", async () => {
    const bad = await get("/changes/abc");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Not a change number");
    for (const id of [seeded.baselineId, 999999]) {
      const res = await get(`/changes/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("No such change");
    }
  });

  it("answers HEAD without a body and a matching If-None-Match with 304", async () => {
    const first = await get(`/changes/${seeded.firstChangeId}`);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]+"$/);
    const head = await fetch(`${base}/changes/${seeded.firstChangeId}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const again = await get(`/changes/${seeded.firstChangeId}`, { "if-none-match": `W/${etag}` });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });
});

describe("change page cache", () => {
  it("re-renders a cached page when a later change gives it a next link", async () => {
    const before = await (await get(`/changes/${seeded.secondChangeId}`)).text();
    expect(before).toContain("No later change");
    const thirdId = await recordNextChange(bot.deps.store);
    const after = await (await get(`/changes/${seeded.secondChangeId}`)).text();
    expect(after).toContain(`href="${PUBLIC_URL}/changes/${thirdId}" rel="next"`);
  });
});

describe("provider page", () => {
  it("has the same facts as /ai-privacy claude: steps, not covered, retention, dates, sources, confidence", async () => {
    const res = await get("/providers/claude");
    expect(res.status).toBe(200);
    const body = await res.text();
    const claude = bot.deps.catalog.byId("claude");
    if (!claude) throw new Error("claude missing from the catalog");
    expect(body).toContain("<h1>Claude: keep your chats out of training</h1>");
    for (const platform of claude.optOut?.platforms ?? [])
      for (const step of platform.steps) expect(body).toContain(asHtml(step.text));
    for (const caveat of claude.notCovered) expect(body).toContain(asHtml(caveat.text));
    if (claude.retention?.withTraining) expect(body).toContain(asHtml(claude.retention.withTraining));
    for (const d of claude.deadlines) expect(body).toContain(`<time datetime="${d.date}">`);
    for (const s of claude.sources) expect(body).toContain(`href="${asHtml(s.url)}"`);
    // Nobody re-read the fact sheets' pages: the page must not claim they were checked.
    expect(body).toMatch(
      /\((official page|press|third-party audit|aggregator); from the fact sheet of 29 Nov 2026, not re-read/,
    );
    expect(body).not.toMatch(/; checked /);
    expect(body).toContain("<dt>Confidence</dt>");
    expect(body).toMatch(/reviewed .*ago|reviewed today|Not reviewed yet/);
    expect(body).toContain(`href="${PUBLIC_URL}/calendar/claude.ics"`);
  });

  it("marks an entry reviewed longer ago than CATALOG_STALE_DAYS as maybe out of date, like Slack answers", async () => {
    expect(await (await get("/providers/claude")).text()).not.toContain("May be out of date");
    const strict = await startTestBot({
      env: { PUBLIC_URL, CATALOG_STALE_DAYS: "1" },
      now: () => new Date("2027-01-15T10:00:00Z"),
    });
    try {
      const body = await (await fetch(strict.url.replace(/\/slack\/events$/, "/providers/claude"))).text();
      expect(body).toMatch(
        /<strong>May be out of date:<\/strong> last reviewed \d{1,2} [A-Z][a-z]{2} 20\d\d\./,
      );
    } finally {
      await strict.stop();
    }
  });

  it("answers an unknown provider with a 404 page that points home", async () => {
    const res = await get("/providers/nope-ai");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("No such provider");
  });
});

describe("nothing private", () => {
  it("no page, feed or calendar names a subscribed channel, its creator or a team", async () => {
    const paths = [
      "/",
      `/changes/${seeded.firstChangeId}`,
      `/changes/${seeded.secondChangeId}`,
      "/providers/claude",
      "/feeds/changes.atom",
      "/feeds/providers/claude.atom",
      "/feeds/catalog.atom",
      "/calendar.ics",
      "/calendar/claude.ics",
    ];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      for (const secret of [SECRET_CHANNEL, SECRET_USER, "T0SECRET"])
        expect(body, path).not.toContain(secret);
    }
  });
});

describe("home page and assets", () => {
  it("lists providers and recent changes, and serves the stylesheet", async () => {
    const body = await (await get("/")).text();
    expect(body).toContain(`href="${PUBLIC_URL}/providers/chatgpt"`);
    expect(body).toContain(`href="${PUBLIC_URL}/changes/${seeded.secondChangeId}"`);
    const css = await get("/assets/web.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain("@media print");
  });

  it("leaves /healthz and unknown paths as they were", async () => {
    expect((await get("/healthz")).status).toBe(200);
    expect((await get("/nothing-here")).status).toBe(404);
  });
});

function asHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
