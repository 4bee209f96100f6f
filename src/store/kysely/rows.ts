import { z } from "zod";

/**
 * Values crossing the database boundary. Written the same way to both dialects (see schema.ts); read back
 * through zod, so a hand-edited or corrupted row fails loudly instead of flowing on as nonsense.
 */
export const toDb = (d: Date): string => d.toISOString();
export const toDbOrNull = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
export const flag = (b: boolean): number => (b ? 1 : 0);

export const time = z.union([z.string(), z.date()]).transform((v) => new Date(v));
export const timeOrNull = z
  .union([z.string(), z.date()])
  .nullable()
  .transform((v) => (v === null ? null : new Date(v)));
export const bool = z.union([z.number(), z.boolean()]).transform((v) => v === true || v === 1);
export const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return schema.parse(JSON.parse(s)) as z.infer<T>;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `bad JSON column: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

/**
 * Rows per multi-row statement: far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535 for the
 * widest table written this way (the outbox, 11 columns).
 */
export const MANY_CHUNK = 500;

/** Affected-row counts come back as bigint from Kysely. */
export const count = (n: bigint | number | undefined): number => Number(n ?? 0);
