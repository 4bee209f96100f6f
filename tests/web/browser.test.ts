import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { type Seeded, seedStore } from "./seed.js";

/**
 * Each page in real headless Chromium (Debian's package, driven by playwright-core): content, the CSP
 * holding (no script runs, no violation), landmarks, contrast, a phone-width layout, print, a screenshot.
 * Without Chromium the suite skips with a one-line notice; in CI (CI=true) it fails instead.
 */

const CHROMIUM = "/usr/bin/chromium";
/** The browser sees the bot at its public address; each request is answered by the bot on loopback. */
const PUBLIC_URL = "https://privacy-bot.example.com";
const available = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI) && process.env.CI !== "false";
if (!available && !inCi) {
  console.warn(`web browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
}
const suite = available || inCi ? describe : describe.skip;

suite("web pages in headless Chromium", () => {
  let bot: TestBot;
  let local: string;
  const base = PUBLIC_URL;
  let seeded: Seeded;
  let context: BrowserContext;
  let profile: string;
  const shots = process.env.WEB_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "web-shots-"));
  const problems: string[] = [];

  // Launching Chromium on a busy 2-core CI machine has taken longer than vitest's default 30 s hook timeout.
  beforeAll(async () => {
    if (!available)
      throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`);
    bot = await startTestBot({
      env: { PUBLIC_URL, CATALOG_PATH: new URL("./hostile-overlay.yaml", import.meta.url).pathname },
      now: () => new Date("2026-12-01T10:00:00Z"),
    });
    local = bot.url.replace(/\/slack\/events$/, "");
    seeded = await seedStore(bot.deps.store);
    profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1024, height: 900 },
    });
    // Nothing but the bot may be fetched (the pages depend on no third party); the bot's own origin is
    // answered from loopback, so 'self' in the CSP means exactly what it means in production.
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (!url.startsWith(`${PUBLIC_URL}/`)) {
        problems.push(`outside request: ${url}`);
        return route.abort();
      }
      const response = await route.fetch({ url: url.replace(PUBLIC_URL, local) });
      return route.fulfill({ response });
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await bot?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function open(path: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    const res = await page.goto(`${base}${path}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  async function checkCommon(page: Page): Promise<void> {
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("main").count()).toBe(1);
    expect(await page.locator("header nav").count()).toBe(1);
    expect(await page.locator("footer").count()).toBe(1);
    expect(await page.locator("h1").count()).toBe(1);
    // The stylesheet applied (served from 'self' under the CSP).
    expect(await page.evaluate("getComputedStyle(document.body).maxWidth")).not.toBe("none");
    // Nothing from page text ran.
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(problems).toEqual([]);
  }

  /** WCAG 2.x contrast ratio of an element's text colour on its nearest opaque background. */
  async function contrast(page: Page, selector: string): Promise<number> {
    // A string, evaluated in the page: the test project is compiled without DOM types.
    const colours = `(el) => {
      let node = el;
      let bg = "rgb(255, 255, 255)";
      while (node) {
        const c = getComputedStyle(node).backgroundColor;
        if (c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { bg = c; break; }
        node = node.parentElement;
      }
      return [getComputedStyle(el).color, bg];
    }`;
    const [fg, bg] = (await page.evaluate(
      `(${colours})(document.querySelector(${JSON.stringify(selector)}))`,
    )) as [string, string];
    const luminance = (colour: string) => {
      const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number);
      const ch = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const [a, b] = [luminance(fg), luminance(bg)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }

  it("change page: facts, highlights, marked diff, folded context, neighbours; screenshot", async () => {
    const page = await open(`/changes/${seeded.firstChangeId}`);
    await checkCommon(page);
    expect(await page.locator("h1").textContent()).toBe("Claude: Anthropic Consumer Terms changed");
    expect(await page.locator("dl.facts").textContent()).toContain("10 Feb 2026");
    expect(await page.locator("ul.highlights li").count()).toBeGreaterThan(0);
    expect(await page.locator(".diff ins").count()).toBeGreaterThan(0);
    expect(await page.locator(".diff del").count()).toBeGreaterThan(0);
    expect(await page.locator(".diff p.added").first().textContent()).toContain(
      "<script>window.__pwned = 1</script>",
    );
    // Folded context is closed until opened.
    const folded = page.locator(".diff details").first();
    const hidden = folded.locator("p").first();
    expect(await hidden.isVisible()).toBe(false);
    await folded.locator("summary").click();
    expect(await hidden.isVisible()).toBe(true);
    for (const selector of ["h1", ".diff ins", ".diff del", ".diff p.added", ".muted"])
      expect(await contrast(page, selector), selector).toBeGreaterThanOrEqual(4.5);
    await page.locator('a[rel="next"]').first().click();
    await page.waitForURL(`**/changes/${seeded.secondChangeId}`);
    expect(await page.locator('a[rel="prev"]').count()).toBeGreaterThan(0);
    await page.goto(`${base}/changes/${seeded.firstChangeId}`);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await page.setViewportSize({ width: 1024, height: 900 });
    const file = join(shots, "change-page.png");
    await page.screenshot({ path: file, fullPage: false });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it("provider page: steps per platform, sources, fits a phone, prints without navigation", async () => {
    const page = await open("/providers/claude", { width: 390, height: 844 });
    await checkCommon(page);
    expect(await page.locator("h2").allInnerTexts()).toEqual(
      expect.arrayContaining(["Steps", "What the setting does not cover", "Sources"]),
    );
    expect(await page.locator("ol.steps li").count()).toBeGreaterThan(0);
    // No horizontal scrolling at phone width.
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    // Facts stack on a phone: each value gets (nearly) the whole width, not a sliver beside its label.
    const ddWidth = (await page.locator("dl.facts dd").first().boundingBox())?.width ?? 0;
    expect(ddWidth).toBeGreaterThan(390 * 0.8);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.site").isVisible()).toBe(false);
    const file = join(shots, "provider-page-phone.png");
    await page.emulateMedia({ media: "screen" });
    await page.screenshot({ path: file, fullPage: false });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it("provider page with hostile catalog text: shown as text, nothing runs, no CSP violation", async () => {
    const page = await open("/providers/hostile-ai");
    await checkCommon(page);
    expect(await page.locator("article > p").first().textContent()).toContain(
      "<script>window.__pwned = 3</script>",
    );
    expect(await page.locator("ol.steps li").first().textContent()).toContain("<a href='javascript:");
    expect(await page.locator("article script, article img, article svg, article iframe").count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.title()).toBe("Hostile AI: keep your chats out of training · AI privacy");
    await page.close();
  });

  it("home and problem pages render with the same frame", async () => {
    const home = await open("/");
    await checkCommon(home);
    expect(await home.locator("#providers + ul li").count()).toBe(bot.deps.catalog.providers.length);
    await home.screenshot({ path: join(shots, "home.png") });
    await home.close();
    const page = await context.newPage();
    const res = await page.goto(`${base}/changes/99999`);
    expect(res?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("No such change");
    await page.close();
  });
});
