import { createHash } from "node:crypto";
import { type CheerioAPI, load } from "cheerio/slim";
import type { AnyNode, Element } from "domhandler";
import { renderReadableText } from "./render-text.js";

/**
 * HTML → clean text for one policy document. `cheerio/slim` parses with htmlparser2, which measured about
 * 10× faster than cheerio's default parse5 on the 300–460 KB fixture pages (see bench/monitor.mjs); the
 * selectors still run through css-select, so the catalog's CSS selectors work unchanged.
 *
 * Bump EXTRACTOR_VERSION whenever the produced text can change for the same page: the check then records
 * a silent baseline from the stored raw page instead of announcing a change nobody made.
 */
export const EXTRACTOR_VERSION = 1;

/** Below this many characters a selection is a stub (cookie wall, loading shell), not a document. */
export const MIN_READABLE_CHARS = 100;

export interface ExtractionRules {
  readonly select: readonly string[];
  readonly remove: readonly string[];
  readonly needsBrowser?: boolean;
}

export type Extraction =
  | { readonly ok: true; readonly text: string; readonly hash: string }
  | { readonly ok: false; readonly reason: string };

/** Titles and elements only bot-challenge interstitials carry (Cloudflare, PerimeterX, DataDome, Akamai). */
const CHALLENGE_TITLE =
  /^\s*(just a moment|attention required|access denied|verifying you are human|checking your browser|are you a robot|security check|pardon our interruption)\b/i;
const CHALLENGE_ELEMENTS = [
  "#challenge-form",
  "#challenge-running",
  "#challenge-stage",
  "#cf-challenge-running",
  ".cf-browser-verification",
  "#px-captcha",
  "#sec-if-cpt-container",
  'iframe[src*="captcha-delivery.com"]',
].join(",");
const TITLE = /<title[^>]*>([^<]*)<\/title/i;
const decodeBasicEntities = (text: string) =>
  text
    .replace(/&amp;/g, "&")
    .replace(/&hellip;/g, "…")
    .replace(/&#8230;/g, "…")
    .replace(/&nbsp;/g, " ");
const CHALLENGE_HINT =
  /challenge-(?:form|running|stage)|cf-browser-verification|px-captcha|sec-if-cpt|captcha-delivery/;

export function extractText(html: string, rules: ExtractionRules): Extraction {
  const $ = load(html);
  const challenge = detectChallenge($, html);
  if (challenge) return { ok: false, reason: challenge };

  let roots: Element[];
  try {
    roots = selectRoots($, rules.select);
  } catch (err) {
    return { ok: false, reason: `a selector is not valid CSS (${(err as Error).message})` };
  }
  if (roots.length === 0) {
    const wanted = rules.select.join(", ");
    return {
      ok: false,
      reason: rules.needsBrowser
        ? `nothing matches ${wanted}: this page needs a browser (plain HTTP does not return its text)`
        : `nothing matches ${wanted} (page restructured, blocked or empty)`,
    };
  }
  try {
    for (const root of roots) for (const selector of rules.remove) $(root).find(selector).remove();
  } catch (err) {
    return { ok: false, reason: `a remove selector is not valid CSS (${(err as Error).message})` };
  }

  const text = renderReadableText(roots as AnyNode[]);
  const comparable = comparableText(text);
  const visible = comparable.replace(/\s+/g, " ");
  if (visible.length < MIN_READABLE_CHARS) {
    return {
      ok: false,
      reason: rules.needsBrowser
        ? `the selection holds only ${visible.length} characters of text: this page needs a browser (plain HTTP returns an empty shell)`
        : `the selection holds only ${visible.length} characters of text (empty shell, cookie wall or blocked)`,
    };
  }
  return { ok: true, text, hash: sha256(comparable) };
}

function detectChallenge($: CheerioAPI, html: string): string | undefined {
  // The title by pattern: a selector query would walk the whole document for one element in <head>.
  const title = decodeBasicEntities(TITLE.exec(html)?.[1] ?? "");
  if (CHALLENGE_TITLE.test(title))
    return `the site answered with a bot-challenge page ("${title.trim().slice(0, 60)}")`;
  // A string scan first: the DOM query walks the whole page and is only worth it when a marker is there.
  if (CHALLENGE_HINT.test(html) && $(CHALLENGE_ELEMENTS).length > 0) {
    return "the site answered with a bot-challenge page";
  }
  return undefined;
}

/** Every selector's matches in catalog order, without elements already inside an earlier match. */
function selectRoots($: CheerioAPI, selectors: readonly string[]): Element[] {
  const roots: Element[] = [];
  for (const selector of selectors) {
    $(selector).each((_, element) => {
      if (element.type !== "tag") return;
      const nested = roots.some((root) => root === element || contains(root, element));
      if (!nested) roots.push(element);
    });
  }
  return roots;
}

function contains(ancestor: AnyNode, node: AnyNode): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (parent === ancestor) return true;
  return false;
}

/** Query parameters that identify a visit, not a page: they must never turn into a "change". */
const TRACKING_PARAMS = /([?&])(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_eid|_hs[a-z]+|ref_src)=[^&\s]*&?/gi;

/**
 * The form that is compared: runs of white space inside a line collapsed, invisible characters and
 * tracking parameters in visible URLs dropped. Line and paragraph breaks stay significant: a paragraph
 * split into line breaks reads differently, and the reference archive counts it as a change too.
 */
export function comparableText(text: string): string {
  return text
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
    .replace(TRACKING_PARAMS, (_, lead: string) => lead)
    .replace(/[?&](?=\s|$)/g, "")
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function textHash(text: string): string {
  return sha256(comparableText(text));
}

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Identifies the rules (and extractor release) a stored text hash was computed with. */
export function rulesKey(rules: ExtractionRules): string {
  return sha256(JSON.stringify({ v: EXTRACTOR_VERSION, select: rules.select, remove: rules.remove })).slice(
    0,
    16,
  );
}
