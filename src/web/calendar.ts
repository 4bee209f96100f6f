import ical from "ical-generator";
import type { Catalog, Deadline, Provider } from "../catalog/index.js";
import type { Links } from "./layout.js";

/**
 * iCalendar (RFC 5545) files of the catalog's dated events, one all-day VEVENT each. UIDs are built from
 * the provider and event ids so that a calendar client updates an event rather than duplicating it
 * (§3.8.4.7); DTSTAMP is the provider's review date, not the request time, so an unchanged catalog gives
 * byte-identical files (and ETags).
 */

const DAY_MS = 86_400_000;

function description(p: Provider, d: Deadline, links: Links): string {
  const sources = p.sources.filter((s) => d.sources.includes(s.id));
  const shown = sources.length ? sources : p.sources;
  return [
    d.detail ?? "",
    `Steps: ${links.provider(p.id)}`,
    shown.length ? `Sources:\n${shown.map((s) => `- ${s.title}: ${s.url}`).join("\n")}` : "",
  ]
    .filter(Boolean)
    .join("\n\n");
}

export function calendarFile(catalog: Catalog, links: Links, provider?: Provider): string {
  const providers = provider ? [provider] : catalog.providers;
  const host = new URL(links.base).hostname;
  const cal = ical({
    name: provider ? `AI privacy: ${provider.name}` : "AI privacy: opt-out dates",
    prodId: { company: "ai-privacy-bot", product: "calendar", language: "EN" },
    url: links.calendar(provider?.id),
  });
  for (const p of providers) {
    const stamp = new Date(`${p.lastReviewed ?? p.deadlines[0]?.date ?? "2026-01-01"}T00:00:00Z`);
    for (const d of [...p.deadlines].sort((a, b) => a.date.localeCompare(b.date))) {
      const start = new Date(`${d.date}T00:00:00Z`);
      cal.createEvent({
        id: `${p.id}.${d.id}@${host}`,
        start,
        end: new Date(start.getTime() + DAY_MS),
        allDay: true,
        summary: `${p.name}: ${d.title}`,
        description: description(p, d, links),
        url: links.provider(p.id),
        stamp,
      });
    }
  }
  return cal.toString();
}
