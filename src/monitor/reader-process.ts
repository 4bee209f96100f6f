import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { builtModuleUrl } from "./extract-pool.js";
import { fetchFailure } from "./fetch-failure.js";
import type { PageRead, PageReader } from "./read-page.js";
import type { PageReaderOptions, PooledPageReader } from "./read-pool.js";
import type { ReadAnswer, ReadMessage } from "./reader-child.js";
import { readerLaunchPrefix } from "./reader-scheduling.js";

/**
 * Policy pages are fetched and read in a process of their own, started in a session of its own
 * (`detached`, setsid(2)), not just in a worker thread of the bot. On Linux, CFS gives each session's
 * autogroup a fair share of the CPU, and the nice value of a thread counts only inside its group
 * (sched(7), "The autogroup feature"): a niced reading thread inside the bot still spends the bot's share,
 * so the thread that acknowledges Slack waited behind other sessions' work after every page it read.
 * Measured on two shared cores: a niced CPU-bound worker thread took the event loop's 1 ms timer p99 from
 * 4 ms to 10 ms; the same work in a process of its own left it at 4 ms.
 *
 * One message per page each way: the request, and the small result (status, validators, hashes, the
 * gzipped stored copy, the text only when the words changed). The process starts on the first read, is
 * unreferenced while no read is pending (a CLI run still exits), stops after `idleMs` without reads, and
 * ends with its IPC channel if the bot dies. A read it held when it stopped fails as a value.
 */

export type PageReaderProcessOptions = Omit<PageReaderOptions, "random"> & {
  /** Without a read for this long the process exits; the next read starts another. */
  readonly idleMs?: number;
};

export interface PageReaderProcess extends PooledPageReader {
  /** The reader process's id while it runs (tests check it lives in a session of its own). */
  pid(): number | undefined;
}

export function createPageReaderProcess(options: PageReaderProcessOptions = {}): PageReaderProcess {
  const { idleMs = 30_000, ...readerOptions } = options;
  const childUrl = builtModuleUrl("reader-child.js", "the page-reader process", import.meta.url);
  const pending = new Map<number, (result: PageRead) => void>();
  let child: ChildProcess | undefined;
  let nextId = 0;
  let idleTimer: NodeJS.Timeout | undefined;

  const failAll = (reason: string) => {
    for (const resolve of pending.values()) resolve(fetchFailure("reader", reason));
    pending.clear();
  };

  const start = (prefix: readonly string[]): ChildProcess => {
    const node = [
      process.execPath,
      ...process.execArgv,
      fileURLToPath(childUrl),
      JSON.stringify(readerOptions),
    ];
    const [command, ...args] = [...prefix, ...node] as [string, ...string[]];
    const started = spawn(command, args, {
      detached: true,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    started.on("message", (answer: ReadAnswer) => {
      const resolve = pending.get(answer.id);
      pending.delete(answer.id);
      resolve?.(answer.result);
      if (pending.size === 0) rest(started);
    });
    const gone = (why: string) => {
      if (child === started) child = undefined;
      failAll(`the page reader stopped (${why}); the page is read again on the next check`);
    };
    started.on("exit", (code, signal) => gone(signal ?? `exit code ${code}`));
    started.on("error", (err) => {
      started.kill("SIGKILL");
      gone(err.message);
    });
    return started;
  };

  /** Nothing pending: the process no longer keeps the bot alive, and it stops after `idleMs`. */
  const rest = (running: ChildProcess) => {
    running.unref();
    running.channel?.unref();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (pending.size === 0) running.kill();
    }, idleMs).unref();
  };

  const reader: PageReader = async (request) => {
    clearTimeout(idleTimer); // before the wait below: an idle process is not stopped under a new read
    const prefix = await readerLaunchPrefix();
    return new Promise<PageRead>((resolve) => {
      clearTimeout(idleTimer);
      child ??= start(prefix);
      child.ref();
      child.channel?.ref();
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ id, request } satisfies ReadMessage, (err) => {
        if (!err || !pending.has(id)) return;
        pending.delete(id);
        resolve(fetchFailure("reader", `the page reader could not be asked (${err.message})`));
      });
    });
  };

  const close = async () => {
    clearTimeout(idleTimer);
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill();
    });
  };
  return Object.assign(reader, { close, pid: () => child?.pid });
}

let shared: PageReaderProcess | undefined;

/** The process-wide reader every policy check uses unless it is handed a fetcher or a reader. */
export function sharedPageReader(): PageReaderProcess {
  shared ??= createPageReaderProcess();
  return shared;
}
