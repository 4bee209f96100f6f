/**
 * Text that did not come from the bot itself must be escaped before it goes into mrkdwn: Slack turns
 * `<!channel>`, `<@U…>` and `<url|label>` into pings and links, and `&` starts an entity.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to a limit on a grapheme-safe boundary, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  // Do not leave half a surrogate pair (emoji) at the end.
  const safe = /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
  return `${safe}…`;
}

/** A link the bot builds from catalog data; the label is escaped, the URL must not contain `|` or `>`. */
export function link(url: string, label: string): string {
  const safeUrl = url.replace(/[|>]/g, encodeURIComponent);
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

/** "in 3 days", "tomorrow", "today", "2 days ago" — between two calendar dates (YYYY-MM-DD, UTC). */
export function relativeDays(date: string, today: string): string {
  const days = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (!Number.isFinite(days)) return "date unknown";
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  if (days > 0) return days < 60 ? `in ${days} days` : `in ${Math.round(days / 30)} months`;
  return -days < 60 ? `${-days} days ago` : `${Math.round(-days / 30)} months ago`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "8 Oct 2025" — unambiguous for an international team. (toLocaleDateString costs ~0.5 ms a call.)
 * Dates are validated where they enter (catalog, `remind … by`); anything else is shown as given, never
 * as "45 undefined 2026".
 */
export function formatDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = match ? match.slice(1).map(Number) : [];
  const name = month ? MONTHS[month - 1] : undefined;
  if (!name || !day || day > 31) return date;
  return `${day} ${name} ${year}`;
}
