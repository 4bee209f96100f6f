import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError, loadCatalog } from "../../src/catalog/index.js";
import { CalendarDateSchema, calendarDateProblem } from "../../src/time/index.js";

function overlay(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "aipb-dates-")), "overlay.yaml");
  writeFileSync(file, yaml);
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogError) return err.problems;
    throw err;
  }
  return [];
}

describe("calendar dates (issue 8, item 17)", () => {
  it("accepts real dates, leap days included, and refuses impossible ones with the reason", () => {
    expect(CalendarDateSchema.safeParse("2028-02-29").success).toBe(true);
    expect(CalendarDateSchema.safeParse("2026-12-31").success).toBe(true);
    expect(calendarDateProblem("2027-02-30")).toBe("2027-02-30 is not a real calendar date");
    expect(calendarDateProblem("2027-02-29")).toBe("2027-02-29 is not a real calendar date");
    expect(calendarDateProblem("2026-13-45")).toBe("2026-13-45 is not a real calendar date");
    expect(calendarDateProblem("31/12/2026")).toBe("expected a date as YYYY-MM-DD");
    expect(calendarDateProblem("2026-12-31")).toBeUndefined();
  });

  it("refuses an overlay event dated 2026-13-45 at load, naming the file and the path", () => {
    const file = overlay(
      "providers:\n  - id: acme-ai\n    name: Acme AI\n    deadlines:\n      - date: 2026-13-45\n        title: Opt out\n",
    );
    expect(problems(() => loadCatalog({ overlayPath: file }))).toEqual([
      `${file}: providers[0].deadlines[0].date: 2026-13-45 is not a real calendar date`,
    ]);
  });

  it("refuses impossible source and review dates too", () => {
    const file = overlay(
      [
        "providers:",
        "  - id: acme-ai",
        "    name: Acme AI",
        "    lastReviewed: 2027-02-30",
        "    sources:",
        "      - { id: help, url: https://acme.example/help, title: Help, checked: 2026-02-31 }",
      ].join("\n"),
    );
    expect(problems(() => loadCatalog({ overlayPath: file }))).toEqual([
      `${file}: providers[0].sources[0].checked: 2026-02-31 is not a real calendar date`,
      `${file}: providers[0].lastReviewed: 2027-02-30 is not a real calendar date`,
    ]);
  });
});

describe("remind … by <date> (issue 8, item 17)", () => {
  it("refuses an impossible deadline with the reason instead of a campaign due on 30 Feb", async () => {
    const { parseCommand } = await import("../../src/commands/parse.js");
    const command = parseCommand("remind <@U1|ana> claude by 2027-02-30");
    expect(command).toMatchObject({
      type: "invalid",
      problem: "The deadline must be a real date: 2027-02-30 is not a real calendar date. Nobody was asked.",
    });
    expect(parseCommand("remind <@U1|ana> claude by 2028-02-29")).toMatchObject({
      type: "remind",
      by: "2028-02-29",
    });
    expect(parseCommand("remind <@U1|ana> claude by tomorrow")).toMatchObject({
      type: "invalid",
      problem:
        "The deadline must be a real date: “tomorrow” is not a date like 2026-12-31. Nobody was asked.",
    });
  });
});

describe("rendering never shows an impossible date as words (issue 8, item 17)", () => {
  it("formatDate and relativeDays fall back instead of '45 undefined 2026 (NaN months ago)'", async () => {
    const { formatDate, relativeDays } = await import("../../src/blocks/mrkdwn.js");
    expect(formatDate("2025-10-08")).toBe("8 Oct 2025");
    expect(formatDate("2026-13-45")).toBe("2026-13-45");
    expect(relativeDays("2026-13-45", "2026-12-01")).toBe("date unknown");
  });
});
