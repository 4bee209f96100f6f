import type { AnyNode, Element } from "domhandler";

/**
 * Renders parsed HTML as readable plain text: headings and paragraphs on their own lines, list items with
 * "-" or "1." markers (indented when nested), table rows as "cell | cell". Only what a reader sees counts:
 * link targets, images, scripts, styles, form controls and hidden elements produce nothing.
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
  for (const root of roots) {
    renderNode(root, writer, 0);
    writer.paragraph();
  }
  return writer.result();
}

function renderChildren(element: Element, writer: LineWriter, listDepth: number): void {
  for (const child of element.children) renderNode(child, writer, listDepth);
}

function renderNode(node: AnyNode, writer: LineWriter, listDepth: number): void {
  if (node.type === "text") {
    writer.text(node.data);
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
    renderList(node, writer, listDepth);
    if (listDepth === 0) writer.paragraph();
  } else if (name === "li") {
    // A stray <li> outside a list still reads as an item.
    writer.startItem("-", listDepth);
    renderChildren(node, writer, listDepth + 1);
    writer.endItem(listDepth);
  } else if (name === "table") {
    writer.paragraph();
    for (const row of tableRows(node)) writer.raw(row);
    writer.paragraph();
  } else if (name === "hr") {
    writer.paragraph();
  } else if (PARAGRAPH_LIKE.has(name)) {
    writer.paragraph();
    renderChildren(node, writer, listDepth);
    writer.paragraph();
  } else if (name === "td" || name === "th" || name === "tr") {
    // Table parts outside a table: keep the words, one row per line.
    renderChildren(node, writer, listDepth);
    writer.text(name === "tr" ? "\n" : " ");
    if (name === "tr") writer.breakLine();
  } else {
    renderChildren(node, writer, listDepth);
  }
}

function renderList(list: Element, writer: LineWriter, depth: number): void {
  const ordered = list.name === "ol";
  let number = Number.parseInt(list.attribs.start ?? "1", 10);
  if (!Number.isFinite(number)) number = 1;
  for (const child of list.children) {
    if (child.type === "tag" && child.name === "li" && !isHidden(child)) {
      writer.startItem(ordered ? `${number}.` : "-", depth);
      number += 1;
      renderChildren(child, writer, depth + 1);
      writer.endItem(depth);
    } else {
      renderNode(child, writer, depth);
    }
  }
}

/** Each row as "cell | cell"; cells flatten their block content to one line. */
function tableRows(table: Element): string[] {
  const rows: string[] = [];
  const visit = (node: AnyNode): void => {
    if (node.type !== "tag" || SKIPPED.has(node.name) || isHidden(node)) return;
    if (node.name === "tr") {
      const cells = node.children
        .filter((c): c is Element => c.type === "tag" && (c.name === "td" || c.name === "th") && !isHidden(c))
        .map((cell) => inlineText(cell))
        .filter((cell) => cell.length > 0);
      if (cells.length > 0) rows.push(cells.join(" | "));
      return;
    }
    for (const child of node.children) visit(child);
  };
  for (const child of table.children) visit(child);
  return rows;
}

const BLOCK_MARK = "\u0001";
const BREAK_MARK = "\u0002";

/**
 * A cell or heading on one line. Inside cells, paragraphs are joined with " ¶ " and line breaks with " / ",
 * so the reader still sees where the cell's lines were (and a paragraph reflowed into line breaks counts).
 */
function inlineText(element: Element): string {
  const parts: string[] = [];
  const visit = (node: AnyNode): void => {
    if (node.type === "text") parts.push(node.data);
    else if (node.type === "tag" && !SKIPPED.has(node.name) && !isHidden(node)) {
      if (node.name === "br") {
        parts.push(BREAK_MARK);
        return;
      }
      const block = node.name in HEADINGS || PARAGRAPH_LIKE.has(node.name) || node.name === "li";
      if (block) parts.push(BLOCK_MARK);
      for (const child of node.children) visit(child);
      if (block) parts.push(BLOCK_MARK);
    }
  };
  for (const child of element.children) visit(child);
  return parts
    .join("")
    .replace(/\s+/g, " ")
    .replace(/^[\s\u0001\u0002]+|[\s\u0001\u0002]+$/g, "")
    .replace(/\s*[\u0001\u0002][\s\u0001\u0002]*/g, (run) => (run.includes(BLOCK_MARK) ? " ¶ " : " / "));
}
