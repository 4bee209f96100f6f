import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPageReaderProcess } from "../../src/monitor/index.js";
import { cpusAllowedIn, parseCpuList } from "../../src/monitor/reader-scheduling.js";
import { BASE_PARAGRAPHS, policyPage } from "./support/pages.js";
import { type PolicySite, startPolicySite } from "./support/policy-site.js";

/**
 * Issue 8, item 9: pages are fetched and read in a process of their own session, so that the CPU they
 * cost is weighed against the bot as a whole (Linux autogroups) instead of being spent from its share, and
 * under SCHED_IDLE where `chrt` can set it, so that a waking bot preempts it at once.
 */

const rules = { select: ["main"], remove: [] as string[] };
/** Field 6 of /proc/<pid>/stat: the session id (proc(5)); the command name may hold spaces, so after ")". */
const sessionOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[3]);

/** `policy` in /proc/<pid>/sched: the scheduling policy (sched(7)); 5 is SCHED_IDLE. */
const SCHED_IDLE = 5;
const policyOf = (file: string) => Number(/^policy\s*:\s*(\d+)/m.exec(readFileSync(file, "utf8"))?.[1]);
const hasChrt = spawnSync("chrt", ["--idle", "0", "true"]).status === 0;
const hasTaskset = spawnSync("taskset", ["--cpu-list", "0", "true"]).status === 0;
const allowedCpus = (file: string) => cpusAllowedIn(readFileSync(file, "utf8"));

let site: PolicySite;
beforeAll(async () => {
  site = await startPolicySite();
  site.set("/policy", { body: policyPage(BASE_PARAGRAPHS) });
});
afterAll(() => site.close());

describe("the page-reader process", () => {
  it("reads in another process that leads its own session, at a lower priority, under SCHED_IDLE and on one CPU", async () => {
    const reader = createPageReaderProcess({ jitterMaxMs: 0 });
    try {
      expect(await reader({ url: `${site.url}/policy`, rules })).toMatchObject({
        kind: "read",
        analysis: { ok: true, text: expect.stringContaining("30 days") },
      });
      const pid = reader.pid()!;
      expect(pid).not.toBe(process.pid);
      if (process.platform === "linux") {
        expect(sessionOf(pid)).toBe(pid);
        expect(sessionOf(pid)).not.toBe(sessionOf(process.pid));
        if (existsSync(`/proc/${pid}/autogroup`)) {
          expect(readFileSync(`/proc/${pid}/autogroup`, "utf8")).toMatch(/nice 15/);
        }
        if (hasChrt) {
          // Every thread, including those node starts before any of its code runs, is SCHED_IDLE (5).
          for (const thread of readdirSync(`/proc/${pid}/task`)) {
            expect(policyOf(`/proc/${pid}/task/${thread}/sched`), `thread ${thread}`).toBe(SCHED_IDLE);
          }
        }
        const ours = parseCpuList(allowedCpus("/proc/self/status") ?? "");
        if (hasTaskset && ours && ours.length >= 2) {
          // Every thread stays on the highest CPU the bot may use.
          for (const thread of readdirSync(`/proc/${pid}/task`)) {
            expect(allowedCpus(`/proc/${pid}/task/${thread}/status`), `thread ${thread}`).toBe(
              String(ours.at(-1)),
            );
          }
        }
      }
    } finally {
      await reader.close();
    }
    expect(reader.pid()).toBeUndefined();
  });

  it("a reader killed mid-read fails that read as a value, and the next read starts another", async () => {
    site.set("/slow", { body: policyPage(BASE_PARAGRAPHS), delayMs: 2_000 });
    const reader = createPageReaderProcess({ jitterMaxMs: 0 });
    try {
      expect(await reader({ url: `${site.url}/policy`, rules })).toMatchObject({ kind: "read" });
      const first = reader.pid()!;
      const slow = reader({ url: `${site.url}/slow`, rules });
      process.kill(first, "SIGKILL");
      expect(await slow).toEqual({
        kind: "failed",
        cause: "reader",
        reason: "the page reader stopped (SIGKILL); the page is read again on the next check",
        mayBeTransient: true,
      });
      expect(await reader({ url: `${site.url}/policy`, rules })).toMatchObject({ kind: "read" });
      expect(reader.pid()).not.toBe(first);
    } finally {
      await reader.close();
    }
  });

  it("stops by itself once idle", async () => {
    const reader = createPageReaderProcess({ jitterMaxMs: 0, idleMs: 50 });
    expect(await reader({ url: `${site.url}/policy`, rules })).toMatchObject({ kind: "read" });
    await vi.waitFor(() => expect(reader.pid()).toBeUndefined(), { timeout: 10_000 });
  });
});
