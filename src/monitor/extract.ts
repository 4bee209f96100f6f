import { createHash } from "node:crypto";
import { type CheerioAPI, load } from "cheerio/slim";
import type { AnyNode, Element } from "domhandler";
import { renderReadableText } from "./render-text.js";
import { stripControls } from "./sanitize.js";

/**
 * HTML → clean text for one policy document. `cheerio/slim` parses with htmlparser2, which measured about
 * 10× faster than cheerio's default parse5 on the 300–460 KB fixture pages (see bench/monitor.mjs); the
 * selectors still run through css-select, so the catalog's CSS selectors work unchanged.
 *
 * Bump EXTRACTOR_VERSION whenever the produced text can change for the same page: the check then records
 * a silent baseline from the stored raw page instead of announcing a change nobody made.
 */
export const EXTRACTOR_VERSION = 2;

/** Below this many characters a selection is a stub (cookie wall, loading shell), not a document. */
export const MIN_READABLE_CHARS = 100;

/**
 * Limits on the parsed page. The largest real policy page in the fixtures has ~1,700 elements; a page
 * past these is hostile or broken and fails as "page too complex" instead of being read. 512 is the depth
 * at which browsers' HTML parsers stop nesting too (Blink's kMaximumHTMLParserDOMTreeDepth).
 */
export const MAX_ELEMENTS = 50_000;
export const MAX_DEPTH = 512;
/**
 * Text a document may keep: the longest real policy in the fixtures reads as ~132,000 characters. Past this
 * a page is not stored, compared or announced: each version would be megabytes moved between processes,
 * written to the database and diffed, for a page no one could read as a policy.
 */
export const MAX_TEXT_CHARS = 1_000_000;

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
  // Cheap upper bounds first: a page of millions of tags is never turned into a DOM at all, and a page
  // nested tens of thousands deep is refused before htmlparser2 (whose cost grows with the square of the
  // nesting: 100,000 nested elements take ~12 s to parse) sees it.
  const scan = scanTags(html, MAX_ELEMENTS * 2);
  if (scan.tags > MAX_ELEMENTS * 2) return tooComplex(`over ${MAX_ELEMENTS} elements`);
  if (scan.depth > MAX_DEPTH * 8) return tooComplex(`elements nested over ${MAX_DEPTH} deep`);
  const $ = load(html);
  const shape = measure($.root()[0]!);
  if (shape.elements > MAX_ELEMENTS)
    return tooComplex(`${shape.elements} elements, the limit is ${MAX_ELEMENTS}`);
  if (shape.depth > MAX_DEPTH) return tooComplex(`elements nested over ${MAX_DEPTH} deep`);
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
  if (text.length > MAX_TEXT_CHARS) {
    return tooComplex(`over ${MAX_TEXT_CHARS.toLocaleString("en")} characters of text`);
  }
  const comparable = comparableText(text);
  if (comparable.length < MIN_READABLE_CHARS) {
    return {
      ok: false,
      reason: rules.needsBrowser
        ? `the selection holds only ${comparable.length} characters of text: this page needs a browser (plain HTTP returns an empty shell)`
        : `the selection holds only ${comparable.length} characters of text (empty shell, cookie wall or blocked)`,
    };
  }
  return { ok: true, text, hash: sha256(comparable) };
}

export const PAGE_TOO_COMPLEX = "page too complex";

const tooComplex = (detail: string): Extraction => ({ ok: false, reason: `${PAGE_TOO_COMPLEX} (${detail})` });

/**
 * Tag openings (`<` + letter) and a rough nesting depth (openings minus `</` closings) in one pass over
 * the string; counting stops past `limit`. The depth over-counts unclosed tags (<p>, <li>, void elements),
 * which is why it is only compared with a bound eight times the real cap, checked exactly after parsing.
 */
function scanTags(html: string, limit: number): { tags: number; depth: number } {
  let tags = 0;
  let open = 0;
  let depth = 0;
  for (let i = html.indexOf("<"); i !== -1 && tags <= limit; i = html.indexOf("<", i + 1)) {
    const next = html.charCodeAt(i + 1);
    const letter = next | 0x20;
    if (letter >= 0x61 && letter <= 0x7a) {
      tags += 1;
      open += 1;
      if (open > depth) depth = open;
    } else if (next === 0x2f && open > 0) {
      open -= 1;
    }
  }
  return { tags, depth };
}

/** Element count and deepest nesting, walked with an explicit stack (the page may nest 400k deep). */
function measure(root: AnyNode): { elements: number; depth: number } {
  let elements = 0;
  let depth = 0;
  const stack: Array<{ node: AnyNode; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth: d } = stack.pop()!;
    if (node.type === "tag" || node.type === "script" || node.type === "style") {
      elements += 1;
      if (d > depth) depth = d;
    }
    if ("children" in node) for (const child of node.children) stack.push({ node: child, depth: d + 1 });
  }
  return { elements, depth };
}

function detectChallenge($: CheerioAPI, html: string): string | undefined {
  // The title by pattern: a selector query would walk the whole document for one element in <head>.
  const title = stripControls(decodeBasicEntities(TITLE.exec(html)?.[1] ?? ""));
  if (CHALLENGE_TITLE.test(title))
    return `the site answered with a bot-challenge page ("${title.trim().slice(0, 60)}")`;
  // A string scan first: the DOM query walks the whole page and is only worth it when a marker is there.
  if (CHALLENGE_HINT.test(html) && $(CHALLENGE_ELEMENTS).length > 0) {
    return "the site answered with a bot-challenge page";
  }
  return undefined;
}

/**
 * Every selector's matches in catalog order, without elements already inside an earlier match. O(n) per
 * selector: whether a node lies inside a chosen root is remembered for every node a walk up passes, so no
 * ancestor chain is walked twice (40,000 sibling matches once cost 40,000 × 40,000 comparisons). The memo
 * holds within one selector because css-select returns matches in document order: a root chosen later
 * cannot be an ancestor of a node an earlier match already passed.
 */
function selectRoots($: CheerioAPI, selectors: readonly string[]): Element[] {
  const roots: Element[] = [];
  const chosen = new Set<AnyNode>();
  for (const selector of selectors) {
    const inside = new Map<AnyNode, boolean>();
    const isInside = (node: AnyNode): boolean => {
      const passed: AnyNode[] = [];
      let answer = false;
      for (let current: AnyNode | null = node; current; current = current.parent) {
        if (chosen.has(current)) {
          answer = true;
          break;
        }
        const known = inside.get(current);
        if (known !== undefined) {
          answer = known;
          break;
        }
        passed.push(current);
      }
      for (const p of passed) inside.set(p, answer);
      return answer;
    };
    $(selector).each((_, element) => {
      if (element.type !== "tag" || isInside(element)) return;
      roots.push(element);
      chosen.add(element);
      inside.set(element, true);
    });
  }
  return roots;
}

/** Query parameters that identify a visit, not a page: they must never turn into a "change". */
const TRACKING_PARAMS = /([?&])(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_eid|_hs[a-z]+|ref_src)=[^&\s]*&?/gi;

/**
 * The form that is compared: the visible words in order, every run of white space (line and paragraph
 * breaks too) collapsed to one space, invisible characters and tracking parameters in visible URLs dropped.
 * Layout alone (blank lines between list items, a paragraph wrapped in a list item, spacing between
 * blocks) changes nothing a person reads, and the reference archive collapses white space the same way
 * (shared/fixtures/policy-snapshots/README.md, "Ground truth").
 */
export function comparableText(text: string): string {
  return text
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
    .replace(TRACKING_PARAMS, (_, lead: string) => lead)
    .replace(/[?&](?=\s|$)/g, "")
    .replace(/\s+/g, " ")
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
