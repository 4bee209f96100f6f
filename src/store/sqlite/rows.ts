import { z } from "zod";

/** Rows read back from SQLite are validated too: a hand-edited or corrupted row fails loudly, not silently. */
export const iso = z.string().transform((s) => new Date(s));
export const isoOrNull = z
  .string()
  .nullable()
  .transform((s) => (s === null ? null : new Date(s)));
export const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return schema.parse(JSON.parse(s)) as z.infer<T>;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `bad JSON column: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

export const toIso = (d: Date): string => d.toISOString();
