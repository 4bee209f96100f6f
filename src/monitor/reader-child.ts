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

const options = JSON.parse(process.argv[2] ?? "{}") as PageReaderOptions;
const reader = createPageReader(options);

process.on("message", (message: ReadMessage) => {
  reader(message.request).then(
    (result) => process.send?.({ id: message.id, result } satisfies ReadAnswer),
    (err: unknown) =>
      process.send?.({
        id: message.id,
        result: { kind: "failed", reason: `the page reader failed (${String(err)})`.slice(0, 200) },
      } satisfies ReadAnswer),
  );
});
process.on("disconnect", () => {
  void reader.close().finally(() => process.exit(0));
});
