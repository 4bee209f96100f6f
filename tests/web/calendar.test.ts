import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";

/** The iCalendar files parsed by a full RFC 5545 parser (ical.js), event by event against the catalog. */

const PUBLIC_URL = "https://privacy-bot.example.com";
let bot: TestBot;
let base: string;

beforeAll(async () => {
  bot = await startTestBot({ env: { PUBLIC_URL } });
  base = bot.url.replace(/\/slack\/events$/, "");
});

afterAll(async () => {
  await bot.stop();
});

async function events(
  path: string,
): Promise<{ raw: string; calendar: ICAL.Component; events: ICAL.Event[] }> {
  const res = await fetch(`${base}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
  const raw = await res.text();
  const calendar = new ICAL.Component(ICAL.parse(raw));
  return { raw, calendar, events: calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c)) };
}

describe("calendar", () => {
  it("/calendar.ics has one all-day event per dated catalog event, with the steps link and sources", async () => {
    const { raw, calendar, events: all } = await events("/calendar.ics");
    // RFC 5545 §3.1 and §3.6: CRLF line ends, lines folded at 75 octets, VERSION and PRODID present.
    expect(raw.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(calendar.getFirstPropertyValue("version")).toBe("2.0");
    expect(String(calendar.getFirstPropertyValue("prodid"))).toContain("ai-privacy-bot");
    const expected = bot.deps.catalog.providers.flatMap((p) => p.deadlines.map((d) => ({ p, d })));
    expect(expected.length).toBeGreaterThan(0);
    expect(all).toHaveLength(expected.length);
    expect(new Set(all.map((e) => e.uid)).size).toBe(all.length);
    for (const { p, d } of expected) {
      const event = all.find((e) => e.uid === `${p.id}.${d.id}@privacy-bot.example.com`);
      expect(event, `${p.id} ${d.id}`).toBeDefined();
      if (!event) continue;
      expect(event.startDate.isDate).toBe(true);
      expect(event.startDate.toString()).toBe(d.date);
      expect(event.summary).toBe(`${p.name}: ${d.title}`);
      expect(event.description).toContain(`Steps: ${PUBLIC_URL}/providers/${p.id}`);
      const cited = p.sources.filter((s) => d.sources.includes(s.id));
      for (const s of cited.length ? cited : p.sources) expect(event.description).toContain(s.url);
      expect(event.component.getFirstPropertyValue("dtstamp")).toBeTruthy();
      expect(String(event.component.getFirstPropertyValue("url"))).toBe(`${PUBLIC_URL}/providers/${p.id}`);
    }
  });

  it("/calendar/<provider>.ics has only that provider's events and is byte-stable (ETag, 304)", async () => {
    const claude = bot.deps.catalog.byId("claude");
    const { events: own } = await events("/calendar/claude.ics");
    expect(own.map((e) => e.uid).sort()).toEqual(
      (claude?.deadlines ?? []).map((d) => `claude.${d.id}@privacy-bot.example.com`).sort(),
    );
    const first = await fetch(`${base}/calendar/claude.ics`);
    const etag = first.headers.get("etag") ?? "";
    const again = await fetch(`${base}/calendar/claude.ics`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${base}/calendar/nope.ics`)).status).toBe(404);
  });

  it("carries catalog text with commas, semicolons, quotes and markup through RFC 5545 escaping intact", async () => {
    const hostile = await startTestBot({
      env: { PUBLIC_URL, CATALOG_PATH: new URL("./hostile-overlay.yaml", import.meta.url).pathname },
    });
    try {
      const res = await fetch(hostile.url.replace(/\/slack\/events$/, "/calendar/hostile-ai.ics"));
      const calendar = new ICAL.Component(ICAL.parse(await res.text()));
      const [event] = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
      expect(event?.summary).toBe(`Hostile AI: Deadline & "quoted"; O'Brien, again`);
      expect(event?.description).toContain("Details <iframe src=//evil.example></iframe>");
      expect(event?.description).toContain(
        'Source <script>window.__pwned=8</script>: https://example.com/policy?a=1&b="2"',
      );
    } finally {
      await hostile.stop();
    }
  });
});
