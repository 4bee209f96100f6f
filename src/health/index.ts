import type { Logger } from "@slack/logger";
import type { Leads } from "../coordination/index.js";

/**
 * `GET /healthz`: is this instance able to do its job? It reports each dependency (Slack's Web API, the
 * database) and answers 503 naming the failing part, so a load balancer or supervisor can act. Results are
 * cached for a few seconds (a balancer polling every second must not turn into an auth.test per poll), and
 * concurrent polls share one run. A watchdog runs the same checks on a timer, so a deleted or corrupted
 * database file is logged even when nothing polls.
 */
export type CheckResult = { ok: true } | { ok: false; error: string };

export type CheckName = "slack" | "database";

export interface HealthOptions {
  version: string;
  mode: "http" | "socket";
  startedAt: Date;
  now: () => Date;
  logger: Logger;
  checks: Record<CheckName, () => Promise<CheckResult>>;
  /** How long one result is reused. */
  cacheMs?: number;
  /** What this instance leads among several (jobs running under their lock, delivery partitions held). */
  leads?: () => Leads;
}

export interface HealthReport {
  status: 200 | 503;
  body: {
    ok: boolean;
    version: string;
    mode: "http" | "socket";
    uptimeSeconds: number;
    checks: Record<CheckName, CheckResult>;
    /** The failing parts, e.g. ["database"]. */
    failing: CheckName[];
    /** Read fresh on every poll (not cached): leadership moves between instances within seconds. */
    leads?: Leads;
  };
}

export interface Health {
  report(): Promise<HealthReport>;
  /** Runs the checks every `intervalMs` (unref'd timer); returns a stop function. */
  watch(intervalMs: number): () => void;
}

const CHECK_TIMEOUT_MS = 5000;

async function bounded(check: () => Promise<CheckResult>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: "no answer within 5 s" }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check().catch((err: unknown) => ({ ok: false as const, error: (err as Error).message ?? String(err) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHealth(options: HealthOptions): Health {
  const { logger, now } = options;
  const cacheMs = options.cacheMs ?? 5000;
  const names = Object.keys(options.checks) as CheckName[];
  const last = new Map<CheckName, { at: number; result: CheckResult }>();
  const inFlight = new Map<CheckName, Promise<CheckResult>>();

  const run = (name: CheckName): Promise<CheckResult> => {
    const cached = last.get(name);
    if (cached && now().getTime() - cached.at < cacheMs) return Promise.resolve(cached.result);
    const running = inFlight.get(name);
    if (running !== undefined) return running;
    const p = bounded(options.checks[name]).then((result) => {
      const before = last.get(name)?.result;
      if (!result.ok && (before === undefined || before.ok || before.error !== result.error))
        logger.error(`health: ${name} is failing: ${result.error}`);
      else if (result.ok && before && !before.ok) logger.info(`health: ${name} is healthy again`);
      last.set(name, { at: now().getTime(), result });
      inFlight.delete(name);
      return result;
    });
    inFlight.set(name, p);
    return p;
  };

  const report = async (): Promise<HealthReport> => {
    const results = await Promise.all(names.map(run));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<CheckName, CheckResult>;
    const failing = names.filter((n) => !checks[n].ok);
    return {
      status: failing.length ? 503 : 200,
      body: {
        ok: failing.length === 0,
        version: options.version,
        mode: options.mode,
        uptimeSeconds: Math.round((now().getTime() - options.startedAt.getTime()) / 1000),
        checks,
        failing,
        ...(options.leads ? { leads: options.leads() } : {}),
      },
    };
  };

  return {
    report,
    watch(intervalMs) {
      const timer = setInterval(() => void report(), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
