/**
 * HTML built from tagged templates. Every interpolated value is escaped unless it is already `Html`
 * (produced by this module), so page text and catalog text — third-party content — can never open a tag,
 * close an attribute or start a script (OWASP XSS Prevention Cheat Sheet, rules 1 and 2: escape & < > " ').
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

type Part = Html | string | number | undefined | null | false | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return "";
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Joins already-rendered fragments. */
export const join = (parts: readonly Part[]): Html => new Html(render(parts));

/**
 * Only http(s) links are ever rendered as links: a catalog or page URL like `javascript:` becomes text.
 * Returns undefined for anything else so the caller shows plain text.
 */
export function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** An outbound link to a third-party page, or plain text when the URL is not http(s). */
export function externalLink(url: string, text: string): Html {
  const href = safeHref(url);
  return href ? html`<a href="${href}" rel="noopener noreferrer external">${text}</a>` : html`${text}`;
}
