import { open } from "node:fs/promises";
import { resolve } from "node:path";
import type Database from "better-sqlite3";
import type { StoreHealth } from "../types.js";

/** Every SQLite file starts with these 16 bytes (sqlite.org/fileformat.html → 1.3 The Database Header). */
const MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/**
 * An open SQLite connection keeps reading and writing a file that was deleted (POSIX keeps the inode
 * alive for open descriptors) or replaced, so queries alone cannot notice it: compare the file at the path
 * with the one opened (device + inode), check the header is still SQLite's, then run one tiny query.
 */
export async function sqlitePing(
  db: Database.Database,
  path: string,
  opened: { dev: number; ino: number } | undefined,
): Promise<StoreHealth> {
  const where = resolve(path);
  if (opened) {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(path, "r");
      const st = await handle.stat();
      if (st.dev !== opened.dev || st.ino !== opened.ino)
        return { ok: false, error: `the database file ${where} was replaced while running; restart the bot` };
      const head = Buffer.alloc(MAGIC.length);
      const { bytesRead } = await handle.read(head, 0, MAGIC.length, 0);
      if (bytesRead < MAGIC.length || !head.equals(MAGIC))
        return {
          ok: false,
          error: `the database file ${where} is not a SQLite database any more (corrupted)`,
        };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === "ENOENT"
        ? {
            ok: false,
            error: `the database file ${where} was deleted while running; restore it and restart the bot`,
          }
        : { ok: false, error: `cannot read the database file ${where} (${code ?? (err as Error).message})` };
    } finally {
      await handle?.close();
    }
  }
  try {
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `the database at ${where} fails queries (${(err as Error).message})` };
  }
}
