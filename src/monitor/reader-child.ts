import { writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { fetchFailure } from "./fetch-failure.js";
import type { PageRead, PageReadRequest } from "./read-page.js";
import { createPageReader, type PageReaderOptions } from "./read-pool.js";

/**
 * The page-reader process (reader-process.ts starts it): its worker threads fetch and read policy pages
 * for the bot's process, one message per page each way over the IPC channel. It ends with that channel,
 * so a bot that exits or is killed takes its reader with it.
 */

export interface ReadMessage {
  readonly id: number;
  readonly request: PageReadRequest;
}

export interface ReadAnswer {
  readonly id: number;
  readonly result: PageRead;
}

/** Well below the bot (nice 0), not the lowest: a check still finishes on a busy machine. */
export const READER_NICE = 15;

/**
 * This process leads a session of its own, so it has an autogroup of its own: its nice value, set through
 * /proc/self/autogroup (sched(7), "The autogroup feature"), weighs the whole reader against the bot's
 * group, and the process's own nice value covers systems without autogroups. Raising one's own nice value
 * needs no privilege; if either is refused the reader only competes as an equal.
 */
function yieldToTheBot() {
  try {
    setPriority(READER_NICE);
  } catch {}
  if (process.platform !== "linux") return;
  try {
    writeFileSync("/proc/self/autogroup", String(READER_NICE));
  } catch {}
}

yieldToTheBot();
const options = JSON.parse(process.argv[2] ?? "{}") as PageReaderOptions;
const reader = createPageReader(options);

process.on("message", (message: ReadMessage) => {
  reader(message.request).then(
    (result) => process.send?.({ id: message.id, result } satisfies ReadAnswer),
    (err: unknown) =>
      process.send?.({
        id: message.id,
        result: fetchFailure("reader", `the page reader failed (${String(err)})`.slice(0, 200)),
      } satisfies ReadAnswer),
  );
});
process.on("disconnect", () => {
  void reader.close().finally(() => process.exit(0));
});
