import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher, type HttpFetcher, runPolicyCheck } from "../../src/monitor/index.js";
import { openTestStore } from "../support/store.js";
import { testCatalog, testProvider } from "./support/catalog.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

/**
 * Replays the real archived snapshots (shared/fixtures/policy-snapshots, next to the repository, never
 * copied into it) through the real fetch → extract → compare path, one snapshot per run, and demands
 * exactly the statuses in each folder's expected.json.
 */

const FIXTURES = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/fixtures/policy-snapshots",
);
const present = existsSync(FIXTURES);

interface Expected {
  url: string;
  select: string[];
  remove: string[];
  steps: Array<{ file: string; date: string; expected: "new" | "unchanged" | "changed" | "failed" }>;
}

if (!present) {
  console.warn(
    `policy-snapshot replay skipped: ${FIXTURES} not found (the shared fixtures sit next to the repo)`,
  );
}

describe("policy-snapshot fixtures", () => {
  it.runIf(!present && Boolean(process.env.CI))("are present in CI", () => {
    expect.fail(`CI must provide the shared fixtures at ${FIXTURES}`);
  });
});

describe.skipIf(!present)("replaying the real policy snapshots", () => {
  let site: PolicySite;
  let fetcher: HttpFetcher;
  beforeAll(async () => {
    site = await startPolicySite();
    fetcher = createFetcher({ jitterMaxMs: 0 });
  });
  afterAll(async () => {
    await fetcher.close();
    await site.close();
  });

  const folders = present
    ? readdirSync(FIXTURES).filter((name) => existsSync(join(FIXTURES, name, "expected.json")))
    : [];

  it.each(folders)(
    "%s: every status equals expected.json",
    async (folder) => {
      const expected = JSON.parse(readFileSync(join(FIXTURES, folder, "expected.json"), "utf8")) as Expected;
      const store = await openTestStore();
      const path = `/${folder}`;
      const provider = testProvider("fixture", [
        { id: folder, url: `${site.url}${path}`, select: expected.select, remove: expected.remove },
      ]);
      const catalog = testCatalog(provider);
      await store.subscriptions.upsert({
        teamId: "T1",
        channelId: "C-WATCH",
        providerId: "fixture",
        kinds: ["changes"],
        createdBy: "U-LEAD",
        now: new Date(expected.steps[0]!.date),
      });

      const actual: string[] = [];
      let announced = 0;
      for (const step of expected.steps) {
        site.set(path, { body: readFileSync(join(FIXTURES, folder, step.file)) });
        const [result] = await runPolicyCheck({ store, catalog, now: new Date(step.date), fetcher });
        actual.push(`${step.file} ${result!.status}`);
        if (result!.status === "changed" && !result!.seenBefore) announced += 1;
      }

      expect(actual).toEqual(expected.steps.map((s) => `${s.file} ${s.expected}`));
      const parents = (await store.outbox.list({})).filter((row) => row.kind === "policy-change");
      expect(parents).toHaveLength(announced);
      expect(parents.every((row) => row.channelId === "C-WATCH")).toBe(true);
      // One "can't read" notice per outage of three or more failed checks, one "readable again" per recovery.
      const outages = expected.steps
        .map((s) => (s.expected === "failed" ? "F" : "."))
        .join("")
        .split(".")
        .filter((run) => run.length >= 3).length;
      expect((await store.outbox.list({})).filter((row) => row.kind === "monitor-unreadable")).toHaveLength(
        outages,
      );
      await store.close();
    },
    120_000,
  );
});
