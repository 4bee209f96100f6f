import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * How the page-reader process is started on Linux, so that its CPU-bound reads stay out of the way of the
 * event loop that acknowledges Slack (measured by bench/hardening.mjs on two cores):
 *
 * - Under SCHED_IDLE (sched(7)), set by util-linux's `chrt --idle 0` as it starts node, so every thread it
 *   ever has (V8's GC helpers start before any code could lower them) inherits it. The kernel preempts a
 *   SCHED_IDLE task the moment a normal one wakes on its CPU; a niced task instead runs out its slice first.
 *   With nice 15 alone each request the bot answered waited ~240 µs on the run queue during a check
 *   against ~50 µs idle, and the c=10 median doubled.
 * - Confined to one CPU, the highest this process may use, when it may use two or more (`taskset -c`,
 *   sched_setaffinity(2)). A CPU that runs only SCHED_IDLE work counts as free when the kernel places a
 *   waking task, and a reader free to move keeps landing on the CPU the bot just left, so the bot wakes
 *   behind it and waits for the preemption. Measured (interleaved A/B, 4 runs each): during a check the
 *   c=1 p99 went from 1.36–1.65× its idle value to 0.95–1.11×, the c=10 p99 from 1.19–1.29× to 1.01–1.26×;
 *   the c=10 median rose (1.08–1.66× → 0.99–1.96×). One CPU is all a reader needs: it reads one page
 *   at a time.
 *
 * Each part is probed once per process; where one is missing or refused (no util-linux, a seccomp
 * profile), the reader starts without it and relies on its nice value and autogroup (reader-child.ts).
 */
export function readerLaunchPrefix(): Promise<readonly string[]> {
  launchPrefix ??= probeLaunchPrefix();
  return launchPrefix;
}

let launchPrefix: Promise<readonly string[]> | undefined;

async function probeLaunchPrefix(): Promise<readonly string[]> {
  if (process.platform !== "linux") return [];
  const cpu = readerCpu(allowedCpuList());
  const parts: (readonly string[])[] = [["chrt", "--idle", "0"]];
  if (cpu !== undefined) parts.push(["taskset", "--cpu-list", String(cpu)]);
  const usable = await Promise.all(parts.map(runs));
  return parts.filter((_, i) => usable[i]).flat();
}

/** Whether `prefix node --version` runs here. */
const runs = (prefix: readonly string[]): Promise<boolean> =>
  new Promise((resolve) => {
    const [command, ...args] = prefix as [string, ...string[]];
    execFile(command, [...args, process.execPath, "--version"], { timeout: 5_000 }, (err) => resolve(!err));
  });

/** The `Cpus_allowed_list` field of a /proc/<pid>/status (or task status) text (proc(5)). */
export const cpusAllowedIn = (status: string): string | undefined =>
  /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];

/** `Cpus_allowed_list` of this process, or undefined where /proc does not say. */
function allowedCpuList(): string | undefined {
  try {
    return cpusAllowedIn(readFileSync("/proc/self/status", "utf8"));
  } catch {
    return undefined;
  }
}

/** Linux numbers at most 8,192 CPUs (NR_CPUS); a list naming more is not one the kernel wrote. */
const MAX_CPUS = 8192;

/** The CPUs a proc(5) CPU list names ("0-3,8,10-11"), ascending; undefined when it is not such a list. */
export function parseCpuList(list: string): number[] | undefined {
  const cpus = new Set<number>();
  for (const part of list.trim().split(",")) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return undefined;
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (to < from || to >= MAX_CPUS) return undefined;
    for (let cpu = from; cpu <= to; cpu += 1) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The CPU the reader is confined to: the highest allowed one, when at least two are allowed. */
export function readerCpu(allowedList: string | undefined): number | undefined {
  const cpus = allowedList === undefined ? undefined : parseCpuList(allowedList);
  return cpus && cpus.length >= 2 ? cpus[cpus.length - 1] : undefined;
}
