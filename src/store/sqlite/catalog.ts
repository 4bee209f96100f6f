import type { Database } from "better-sqlite3";
import { z } from "zod";
import type { CatalogHistoryEntry, CatalogHistoryRepository } from "../catalog.js";
import type { Sync } from "./gate.js";
import { iso, json, toIso } from "./rows.js";

const FieldsSchema = z.array(z.object({ field: z.string(), before: z.string(), after: z.string() }));

const HistoryRow = z
  .object({
    id: z.number(),
    provider_id: z.string(),
    seq: z.number(),
    provider_name: z.string(),
    from_hash: z.string(),
    to_hash: z.string(),
    fields: json(FieldsSchema),
    steps_changed: z.union([z.literal(0), z.literal(1)]),
    detected_at: iso,
  })
  .transform(
    (r): CatalogHistoryEntry => ({
      id: r.id,
      providerId: r.provider_id,
      seq: r.seq,
      providerName: r.provider_name,
      fromHash: r.from_hash,
      toHash: r.to_hash,
      fields: r.fields,
      stepsChanged: r.steps_changed === 1,
      detectedAt: r.detected_at,
    }),
  );

export function sqliteCatalogHistory(db: Database): Sync<CatalogHistoryRepository> {
  const latest = db.prepare(
    "SELECT seq, from_hash, to_hash FROM catalog_history WHERE provider_id = ? ORDER BY seq DESC LIMIT 1",
  );
  const insert = db.prepare(
    `INSERT INTO catalog_history
       (provider_id, seq, provider_name, from_hash, to_hash, fields, steps_changed, detected_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (provider_id, seq) DO NOTHING`,
  );
  const all = db.prepare("SELECT * FROM catalog_history ORDER BY detected_at DESC, id DESC LIMIT ?");
  const forProvider = db.prepare(
    "SELECT * FROM catalog_history WHERE provider_id = ? ORDER BY detected_at DESC, id DESC LIMIT ?",
  );
  return {
    record: db.transaction((e): boolean => {
      const last = latest.get(e.providerId) as
        | { seq: number; from_hash: string; to_hash: string }
        | undefined;
      if (last && last.from_hash === e.fromHash && last.to_hash === e.toHash) return false;
      const result = insert.run(
        e.providerId,
        (last?.seq ?? 0) + 1,
        e.providerName,
        e.fromHash,
        e.toHash,
        JSON.stringify(e.fields),
        e.stepsChanged ? 1 : 0,
        toIso(e.detectedAt),
      );
      return result.changes > 0;
    }),
    list: (limit, providerId) =>
      (providerId ? forProvider.all(providerId, limit) : all.all(limit)).map((row) => HistoryRow.parse(row)),
  };
}
