import { z } from "zod";
import type { CatalogHistoryEntry, CatalogHistoryRepository } from "../catalog.js";
import type { Ctx } from "./context.js";
import { bool, count, flag, json, time, toDb } from "./rows.js";

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
    steps_changed: bool,
    detected_at: time,
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
      stepsChanged: r.steps_changed,
      detectedAt: r.detected_at,
    }),
  );

export function catalogHistory({ db, atomic }: Ctx): CatalogHistoryRepository {
  return {
    record: (e) =>
      atomic(async (tx) => {
        const last = await tx
          .selectFrom("catalog_history")
          .select(["seq", "from_hash", "to_hash"])
          .where("provider_id", "=", e.providerId)
          .orderBy("seq", "desc")
          .limit(1)
          .executeTakeFirst();
        if (last && last.from_hash === e.fromHash && last.to_hash === e.toHash) return false;
        // Two instances reading the same last entry both try seq + 1: the unique key lets one win.
        const result = await tx
          .insertInto("catalog_history")
          .values({
            provider_id: e.providerId,
            seq: (last?.seq ?? 0) + 1,
            provider_name: e.providerName,
            from_hash: e.fromHash,
            to_hash: e.toHash,
            fields: JSON.stringify(e.fields),
            steps_changed: flag(e.stepsChanged),
            detected_at: toDb(e.detectedAt),
          })
          .onConflict((oc) => oc.columns(["provider_id", "seq"]).doNothing())
          .executeTakeFirst();
        return count(result.numInsertedOrUpdatedRows) > 0;
      }),
    list: async (limit, providerId) =>
      (
        await db
          .selectFrom("catalog_history")
          .selectAll()
          .$if(providerId !== undefined, (q) => q.where("provider_id", "=", providerId as string))
          .orderBy("detected_at", "desc")
          .orderBy("id", "desc")
          .limit(limit)
          .execute()
      ).map((row) => HistoryRow.parse(row)),
  };
}
