import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CalendarEvent,
  planDeadlineAnnouncements,
  upcomingAnnouncements,
} from "../../src/announce/deadlines.js";
import { catalogEvents, deadlineMessage } from "../../src/announce/index.js";
import { renderDeadlines } from "../../src/blocks/catalog.js";
import { checkMessage } from "../../src/blocks/limits.js";
import { CatalogError, loadCatalog, loadRegulations } from "../../src/catalog/index.js";
import { parseCommand } from "../../src/commands/index.js";
import type { Subscription } from "../../src/store/index.js";

const catalog = loadCatalog();

let nextId = 1;
const sub = (over: Partial<Subscription> = {}): Subscription => ({
  id: nextId++,
  teamId: "T1",
  channelId: "C1",
  providerId: "*",
  kinds: ["deadlines", "changes", "catalog"],
  createdBy: "ULEAD",
  createdAt: new Date("2026-01-01T00:00:00Z"),
  pausedAt: null,
  pausedReason: null,
  ...over,
});

describe("regulatory dates (kind: regulation)", () => {
  it("come from the addendum with their sources, in date order, after 2026-12-01", async () => {
    const events = catalog.regulations ?? [];
    expect(events.map((e) => `${e.date} ${e.jurisdiction}`)).toEqual([
      "2027-01-01 California",
      "2027-01-01 California",
      "2027-01-01 Colorado",
      "2027-08-02 EU AI Act",
    ]);
    const sheet = readFileSync(join(__dirname, "../../../shared/reference/providers-2026.md"), "utf8");
    for (const e of events)
      for (const s of e.sources) expect(sheet, s.url).toContain(s.url.replace(/^https:\/\//, ""));
  });

  it("are announced only to channels subscribed to regulation, whatever their provider filter", async () => {
    const events = catalogEvents(catalog).filter((e) => e.kind === "regulation");
    expect(events).toHaveLength(4);
    const subs = [
      sub({ channelId: "C-DEADLINES" }),
      sub({ channelId: "C-REG", kinds: ["regulation"] }),
      sub({ channelId: "C-CLAUDE-REG", providerId: "claude", kinds: ["deadlines", "regulation"] }),
    ];
    const planned = planDeadlineAnnouncements({
      events,
      subscriptions: subs,
      leadDays: [14, 7, 3, 1, 0],
      now: new Date("2026-12-25T12:00:00Z"),
      timeZone: "UTC",
    });
    expect([...new Set(planned.map((p) => p.channelId))].sort()).toEqual(["C-CLAUDE-REG", "C-REG"]);
    expect(planned.map((p) => p.key)).toContain("deadline:regulation/co-sb-26-189:7:C-REG");
    const upcoming = upcomingAnnouncements({
      events,
      subscriptions: subs,
      leadDays: [7],
      now: new Date("2026-12-25T12:00:00Z"),
      timeZone: "UTC",
    });
    expect(upcoming.every((u) => !u.channels.includes("C-DEADLINES"))).toBe(true);
  });

  it("keep provider deadlines away from a regulation-only channel", async () => {
    const event: CalendarEvent = {
      providerId: "claude",
      providerName: "Claude",
      id: "x",
      date: "2026-12-05",
      title: "Deadline",
      kind: "deadline",
    };
    const planned = planDeadlineAnnouncements({
      events: [event],
      subscriptions: [sub({ kinds: ["regulation"] })],
      leadDays: [7],
      now: new Date("2026-12-01T12:00:00Z"),
      timeZone: "UTC",
    });
    expect(planned).toEqual([]);
  });

  it("say they are a law's date, with no steps buttons, within Slack's limits", async () => {
    const event = catalogEvents(catalog).find((e) => e.id === "eu-ai-act-gpai-legacy-models")!;
    const message = deadlineMessage(event, "2027-07-26");
    expect(checkMessage(message)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain(
      "EU AI Act: General-purpose AI models placed on the market before 2025-08-02 must comply",
    );
    expect(json).toContain("not an opt-out deadline");
    expect(json).not.toContain("show_steps");
    expect(json).toContain("subscribed to regulatory dates");
  });

  it("are opt-in: a plain subscribe does not include them, subscribe regulation does", async () => {
    expect(parseCommand("subscribe")).toMatchObject({ kinds: ["deadlines", "changes", "catalog"] });
    expect(parseCommand("subscribe regulation")).toMatchObject({ providers: "all", kinds: ["regulation"] });
  });

  it("are listed apart in deadlines", async () => {
    const m = renderDeadlines([], [], "2026-12-01", undefined, catalog.regulations ?? []);
    const json = JSON.stringify(m.blocks);
    expect(json).toContain("*Regulatory dates* (laws, not opt-outs)");
    expect(json).toContain("*1 Jan 2027* (in 31 days) — *Colorado*: Colorado SB 26-189 takes effect");
    expect(checkMessage(m)).toEqual([]);
  });

  it("refuse a regulation file with events out of order or without sources", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aipb-reg-"));
    const file = join(dir, "regulation.yaml");
    const src = (id: string) =>
      `    sources: [{ id: ${id}, url: https://law.example/${id}, title: Law, cited: 2026-12-01, grade: press }]\n`;
    const problems = (fn: () => unknown) => {
      try {
        fn();
        return [];
      } catch (e) {
        if (e instanceof CatalogError) return e.problems;
        throw e;
      }
    };
    writeFileSync(
      file,
      `events:
  - id: b
    date: 2027-08-02
    title: B
    jurisdiction: EU
${src("b")}  - id: a
    date: 2027-01-01
    title: A
    jurisdiction: California
${src("a")}`,
    );
    expect(problems(() => loadRegulations(file))).toEqual([
      `${file}: events[1]: 2027-01-01 comes before events[0] (2027-08-02); list events in date order`,
    ]);
    writeFileSync(
      file,
      "events:\n  - { id: a, date: 2027-01-01, title: A, jurisdiction: CA, sources: [] }\n",
    );
    expect(problems(() => loadRegulations(file)).join("\n")).toMatch(/events\[0\]\.sources/);
  });
});
