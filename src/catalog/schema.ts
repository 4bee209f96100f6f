import { z } from "zod";
import { CalendarDateSchema } from "../time/index.js";

/**
 * The catalog's shape. Built-in providers live in `providers/*.yaml`; an operator overlay
 * (`CATALOG_PATH`) may add providers with only `id` and `name`, so every fact is optional here and
 * the built-in catalog's tests demand sources on built-ins, and `catalog validate --strict` (strict.ts)
 * lists keys this schema does not know.
 */

/**
 * A real calendar date. YAML 1.1 readers turn `2026-12-31` into a Date; ours (YAML 1.2 core) keeps a
 * string, but a Date is accepted for overlays written by other tools. Impossible dates (`2027-02-30`,
 * `2026-13-45`) are refused at load, so nothing downstream renders "45 undefined 2026".
 */
export const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(CalendarDateSchema);

/**
 * Names that reach Slack as plain words, including the notification (`text`) fallback that Slack parses
 * for `<!channel>`, `<@U…>` and `<url|label>` (https://docs.slack.dev/messaging/formatting-message-text).
 * A provider name never needs angle brackets, so a name with them is refused at load (exit 2) instead of
 * relying on every renderer to escape it.
 */
const MARKUP = /[<>]/;
const plainName = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(
      (v) => !MARKUP.test(v),
      "must not contain < or >: Slack would read <!channel> or <@U…> in it as a ping or a link",
    );

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and dashes (e.g. acme-ai)")
  .max(64);

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

/** Where a fact comes from. `grade` mirrors the fact sheet: official page, press, third-party audit, aggregator. */
export const SourceSchema = z.object({
  id: slug,
  url: httpUrl,
  title: z.string().min(1),
  /** When this source was last read for the catalog. */
  checked: isoDate,
  /** The source's own publication or "last updated" date, when it shows one. */
  published: isoDate.optional(),
  grade: z.enum(["official", "press", "audit", "aggregator"]).default("official"),
});

/** Facts reference sources by id so that one page backing several facts is listed once. */
const sourceRefs = z.array(slug).default([]);

export const StepSchema = z.object({
  id: slug,
  text: z.string().min(1),
});

export const PlatformStepsSchema = z.object({
  id: z.enum(["web", "ios", "android"]),
  steps: z.array(StepSchema).min(1),
  sources: sourceRefs,
});

export const OptOutSchema = z.object({
  /** yes: anyone can switch it off; regional: only some regions; admin: only an admin can; none: no opt-out. */
  available: z.enum(["yes", "regional", "admin", "none", "unknown"]).default("unknown"),
  /** The exact label of the control as the provider names it. */
  label: z.string().optional(),
  /** Other names the same control is known by (UI drift, older labels). */
  alternateLabels: z.array(z.string()).default([]),
  settingsUrl: httpUrl.optional(),
  platforms: z.array(PlatformStepsSchema).default([]),
  notes: z.array(z.string()).default([]),
  sources: sourceRefs,
});

export const TrainsByDefaultSchema = z.object({
  value: z.enum(["yes", "no", "partial", "unknown"]),
  detail: z.string().optional(),
  sources: sourceRefs,
});

export const CaveatSchema = z.object({
  id: slug,
  text: z.string().min(1),
  sources: sourceRefs,
});

export const RetentionSchema = z.object({
  withTraining: z.string().optional(),
  withoutTraining: z.string().optional(),
  notes: z.array(z.string()).default([]),
  sources: sourceRefs,
});

export const DeadlineSchema = z.object({
  /** Defaults to `<date>-<slug of title>` so overlay entries need only date and title. */
  id: slug.optional(),
  date: isoDate,
  title: plainName(200),
  kind: z.enum(["deadline", "effective", "change"]).default("deadline"),
  detail: z.string().optional(),
  sources: sourceRefs,
});

export const DocumentSchema = z.object({
  id: slug,
  title: z.string().min(1),
  url: httpUrl,
  select: z.array(z.string().min(1)).min(1).default(["main"]),
  remove: z.array(z.string().min(1)).default([]),
  /** A help article that carries the opt-out steps: a change marks the catalog entry for review. */
  carriesSteps: z.boolean().default(false),
  /** Plain HTTP returns no text (the archive needed a headless browser): report that clearly. */
  needsBrowser: z.boolean().default(false),
});

export const ProviderSchema = z.object({
  id: slug,
  name: plainName(80),
  vendor: plainName(80).optional(),
  aliases: z.array(plainName(80)).default([]),
  summary: z.string().optional(),
  tiers: z
    .object({
      covered: z.array(z.string()).default([]),
      excluded: z.array(z.string()).default([]),
      sources: sourceRefs,
    })
    .optional(),
  trainsByDefault: TrainsByDefaultSchema.optional(),
  optOut: OptOutSchema.optional(),
  notCovered: z.array(CaveatSchema).default([]),
  retention: RetentionSchema.optional(),
  deadlines: z.array(DeadlineSchema).default([]),
  uncertainties: z.array(z.string()).default([]),
  confidence: z.enum(["strong", "medium", "weak"]).default("weak"),
  sources: z.array(SourceSchema).default([]),
  lastReviewed: isoDate.optional(),
  documents: z.array(DocumentSchema).default([]),
});

export const CatalogFileSchema = z.object({ providers: z.array(z.unknown()) });

export type Source = z.infer<typeof SourceSchema>;
export type Step = z.infer<typeof StepSchema>;
export type PlatformSteps = z.infer<typeof PlatformStepsSchema>;
export type OptOut = z.infer<typeof OptOutSchema>;
export type Caveat = z.infer<typeof CaveatSchema>;
export type Retention = z.infer<typeof RetentionSchema>;
export type PolicyDocument = z.infer<typeof DocumentSchema>;
export type Deadline = z.infer<typeof DeadlineSchema> & { id: string };
export type Provider = Omit<z.infer<typeof ProviderSchema>, "deadlines"> & { deadlines: Deadline[] };
