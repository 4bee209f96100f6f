import type { AnyNode, Element } from "domhandler";
import { stripControls } from "./sanitize.js";

/**
 * Renders parsed HTML as readable plain text: headings and paragraphs on their own lines, list items with
 * "-" or "1." markers (indented when nested), table rows as "cell | cell". Only what a reader sees counts:
 * link targets, images, scripts, styles, form controls and hidden elements produce nothing.
 *
 * Every walk here is iterative, with an explicit stack: a hostile page nests hundreds of thousands of
 * elements, and a recursive walk overflows the call stack long before any element cap is reached.
 * Text nodes lose control characters and terminal escapes on the way in (see sanitize.ts).
 */

const SKIPPED = new Set([
  "head",
  "script",
  "style",
  "noscript",
  "template",
  "iframe",
  "object",
  "embed",
  "svg",
  "canvas",
  "select",
  "input",
  "textarea",
  "img",
  "picture",
  "video",
  "audio",
  "map",
  "meta",
  "link",
]);

const PARAGRAPH_LIKE = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "header",
  "footer",
  "aside",
  "nav",
  "blockquote",
  "pre",
  "figure",
  "figcaption",
  "address",
  "details",
  "summary",
  "dl",
  "dt",
  "dd",
  "form",
  "fieldset",
  "legend",
  "caption",
  "center",
  "hgroup",
]);

const HEADINGS: Record<string, string> = {
  h1: "#",
  h2: "##",
  h3: "###",
  h4: "####",
  h5: "#####",
  h6: "######",
};

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important)?\s*(?:;|$)/i;

export function isHidden(element: Element): boolean {
  const attributes = element.attribs;
  if ("hidden" in attributes) return true;
  if (attributes.type === "hidden") return true;
  const style = attributes.style;
  return style !== undefined && HIDDEN_STYLE.test(style);
}

class LineWriter {
  private readonly lines: string[] = [];
  private inline = "";
  private prefix = "";
  private continuationIndent = "";

  text(data: string): void {
    this.inline += data;
  }

  /** Ends the current line; a list marker set by `startItem` goes on the first line only. */
  breakLine(): void {
    const line = this.inline.replace(/\s+/g, " ").trim();
    this.inline = "";
    if (!line) return;
    this.lines.push(this.prefix ? `${this.prefix}${line}` : `${this.continuationIndent}${line}`);
    this.prefix = "";
  }

  paragraph(): void {
    this.breakLine();
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }

  startItem(marker: string, depth: number): void {
    this.breakLine();
    const indent = "  ".repeat(depth);
    this.prefix = `${indent}${marker} `;
    this.continuationIndent = `${indent}  `;
  }

  endItem(depth: number): void {
    this.breakLine();
    this.prefix = "";
    this.continuationIndent = depth > 0 ? "  ".repeat(depth) : "";
  }

  raw(line: string): void {
    this.breakLine();
    if (line.trim()) this.lines.push(line);
  }

  result(): string {
    this.breakLine();
    return this.lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  }
}

export function renderReadableText(roots: readonly AnyNode[]): string {
  const writer = new LineWriter();
  const stack: Frame[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    stack.push(() => writer.paragraph());
    stack.push({ node: roots[i]!, depth: 0 });
  }
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (typeof frame === "function") frame();
    else renderNode(frame.node, writer, frame.depth, stack);
  }
  return writer.result();
}

/** A node still to render at a list depth, or an action that closes an element once its children are done. */
type Frame = { readonly node: AnyNode; readonly depth: number } | (() => void);

/** Pushes `after`, then the children in reverse, so that they pop in document order before `after` runs. */
function pushChildren(stack: Frame[], children: readonly AnyNode[], depth: number, after?: () => void): void {
  if (after) stack.push(after);
  for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth });
}

function renderNode(node: AnyNode, writer: LineWriter, listDepth: number, stack: Frame[]): void {
  if (node.type === "text") {
    writer.text(stripControls(node.data));
    return;
  }
  if (node.type !== "tag") return; // comments, scripts, styles, CDATA, directives
  const name = node.name;
  if (SKIPPED.has(name) || isHidden(node)) return;

  if (name === "br") {
    writer.breakLine();
  } else if (name in HEADINGS) {
    const heading = inlineText(node);
    writer.paragraph();
    if (heading) writer.raw(`${HEADINGS[name]} ${heading}`);
    writer.paragraph();
  } else if (name === "ul" || name === "ol") {
    if (listDepth === 0) writer.paragraph();
    else writer.breakLine();
    pushList(node, writer, listDepth, stack);
  } else if (name === "li") {
    // A stray <li> outside a list still reads as an item.
    writer.startItem("-", listDepth);
    pushChildren(stack, node.children, listDepth + 1, () => writer.endItem(listDepth));
  } else if (name === "table") {
    writer.paragraph();
    for (const row of tableRows(node)) writer.raw(row);
    writer.paragraph();
  } else if (name === "hr") {
    writer.paragraph();
  } else if (PARAGRAPH_LIKE.has(name)) {
    writer.paragraph();
    pushChildren(stack, node.children, listDepth, () => writer.paragraph());
  } else if (name === "td" || name === "th" || name === "tr") {
    // Table parts outside a table: keep the words, one row per line.
    pushChildren(stack, node.children, listDepth, () => {
      writer.text(name === "tr" ? "\n" : " ");
      if (name === "tr") writer.breakLine();
    });
  } else {
    pushChildren(stack, node.children, listDepth);
  }
}

/** Items get their markers in document order; each item's children render one level deeper. */
function pushList(list: Element, writer: LineWriter, depth: number, stack: Frame[]): void {
  const ordered = list.name === "ol";
  let number = Number.parseInt(list.attribs.start ?? "1", 10);
  if (!Number.isFinite(number)) number = 1;
  const frames: Frame[] = [];
  for (const child of list.children) {
    if (child.type === "tag" && child.name === "li" && !isHidden(child)) {
      const marker = ordered ? `${number}.` : "-";
      number += 1;
      frames.push(() => writer.startItem(marker, depth));
      for (const grandchild of child.children) frames.push({ node: grandchild, depth: depth + 1 });
      frames.push(() => writer.endItem(depth));
    } else {
      frames.push({ node: child, depth });
    }
  }
  if (depth === 0) stack.push(() => writer.paragraph());
  for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
}

/** Each row as "cell | cell"; cells flatten their block content to one line. */
function tableRows(table: Element): string[] {
  const rows: string[] = [];
  const stack: AnyNode[] = [...table.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== "tag" || SKIPPED.has(node.name) || isHidden(node)) continue;
    if (node.name === "tr") {
      const cells = node.children
        .filter((c): c is Element => c.type === "tag" && (c.name === "td" || c.name === "th") && !isHidden(c))
        .map((cell) => inlineText(cell))
        .filter((cell) => cell.length > 0);
      if (cells.length > 0) rows.push(cells.join(" | "));
      continue;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

const BLOCK_MARK = "\u0001";
const BREAK_MARK = "\u0002";

/**
 * A cell or heading on one line. Inside cells, paragraphs are joined with " ¶ " and line breaks with " / ",
 * so the reader still sees where the cell's lines were (and a paragraph reflowed into line breaks counts).
 * The marks are control characters, which stripControls has already removed from the page's own text.
 */
function inlineText(element: Element): string {
  const parts: string[] = [];
  const stack: Array<AnyNode | string> = [...element.children].reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") parts.push(item);
    else if (item.type === "text") parts.push(stripControls(item.data));
    else if (item.type === "tag" && !SKIPPED.has(item.name) && !isHidden(item)) {
      if (item.name === "br") {
        parts.push(BREAK_MARK);
        continue;
      }
      const block = item.name in HEADINGS || PARAGRAPH_LIKE.has(item.name) || item.name === "li";
      if (block) {
        parts.push(BLOCK_MARK);
        stack.push(BLOCK_MARK);
      }
      for (let i = item.children.length - 1; i >= 0; i--) stack.push(item.children[i]!);
    }
  }
  return parts
    .join("")
    .replace(/\s+/g, " ")
    .replace(/^[\s\u0001\u0002]+|[\s\u0001\u0002]+$/g, "")
    .replace(/\s*[\u0001\u0002][\s\u0001\u0002]*/g, (run) => (run.includes(BLOCK_MARK) ? " ¶ " : " / "));
}
