import type { Database } from "better-sqlite3";

export interface Migration {
  /** Forward-only, strictly increasing: 1, 2, 3 … Never edit a migration that has shipped; add a new one. */
  version: number;
  name: string;
  sql: string;
}

/** Applies every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > sorted.length) {
    throw new Error(
      `the database is at schema version ${current}, newer than this release knows (${sorted.length}); run a newer release`,
    );
  }
  const applied: number[] = [];
  for (const m of sorted.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
