import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";

/**
 * One instance per SQLite file. SQLite itself would let two processes share the file (WAL), but two bots
 * would both run every job and both deliver: several instances need PostgreSQL. A lock file beside the
 * database names the running instance (host and process id); a second start on the same host while that
 * process lives is refused. A file left by a crashed process (its pid is gone) is taken over. Instances on
 * different hosts sharing one file over a network share cannot be told apart this way (README).
 */
export type FileClaim = { ok: true; release(): void } | { ok: false; line: string };

interface Holder {
  host: string;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Holder>;
    return typeof parsed.host === "string" && typeof parsed.pid === "number"
      ? { host: parsed.host, pid: parsed.pid }
      : undefined;
  } catch {
    return undefined;
  }
}

export function claimSqliteFile(dbPath: string): FileClaim {
  if (dbPath === ":memory:") return { ok: true, release: () => {} };
  const path = `${dbPath}.instance`;
  const me: Holder = { host: hostname(), pid: process.pid };
  const body = `${JSON.stringify(me)}\n`;
  try {
    const fd = openSync(path, "wx");
    writeSync(fd, body);
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const holder = readHolder(path);
    if (holder && holder.host === me.host && holder.pid !== me.pid && alive(holder.pid))
      return {
        ok: false,
        line: `another ai-privacy-bot (pid ${holder.pid}) is already running on ${dbPath}; stop it, or run several instances on PostgreSQL (DATABASE_URL=postgres://…, README "Running several instances")`,
      };
    writeFileSync(path, body);
  }
  return {
    ok: true,
    release() {
      const holder = readHolder(path);
      if (holder?.pid === me.pid && holder.host === me.host) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      }
    },
  };
}
