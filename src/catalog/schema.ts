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

/**
 * Where a fact comes from. `grade` mirrors the fact sheets: official page, press, third-party audit,
 * aggregator, plus `mirror` (a verbatim copy of a provider page on another host, the sheets' [O-mirror]) and
 * `regulator` (a regulator's own publication, [O-reg]: primary, but not the provider).
 *
 * Provenance is split honestly: `checked` is when someone actually read the page for the catalog;
 * `cited` is when a fact sheet recorded it without reading it again. The fact sheets say "No page was
 * fetched live", so built-in sources carry `cited` only and are shown "from the fact sheet, not re-read".
 */
export const SourceSchema = z
  .strictObject({
    id: slug,
    url: httpUrl,
    title: z.string().min(1),
    /** When someone read this page for the catalog. */
    checked: isoDate.optional(),
    /** When a fact sheet recorded this source (not a reading of the page itself). */
    cited: isoDate.optional(),
    /** The source's own publication or "last updated" date, when it shows one. */
    published: isoDate.optional(),
    grade: z.enum(["official", "mirror", "regulator", "press", "audit", "aggregator"]).default("official"),
  })
  .refine((s) => s.checked !== undefined || s.cited !== undefined, {
    message: "give checked (when the page was read) or cited (when a fact sheet recorded it)",
    path: ["checked"],
  });

/** Facts reference sources by id so that one page backing several facts is listed once. */
const sourceRefs = z.array(slug).default([]);

export const StepSchema = z.strictObject({
  id: slug,
  text: z.string().min(1),
});

export const PlatformStepsSchema = z.strictObject({
  id: z.enum(["web", "ios", "android"]),
  /**
   * Which app version these steps are for, when a provider ships two at once (Microsoft Copilot's newer
   * and older consumer apps since 2026-08-18). A platform may then appear once per variant.
   */
  variant: z.string().min(1).max(60).optional(),
  steps: z.array(StepSchema).min(1),
  sources: sourceRefs,
});

export const OptOutSchema = z.strictObject({
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

/**
 * A setting next to the training control that people confuse with it (ads personalization, marketing
 * cookies, memory): shown separately and always marked as *not* a training opt-out.
 */
export const RelatedSettingSchema = z.strictObject({
  id: slug,
  label: z.string().min(1),
  alternateLabels: z.array(z.string()).default([]),
  /** Where it is, in the provider's own menu words. */
  path: z.string().optional(),
  /** What it controls (never model training: that is `optOut`). */
  controls: z.string().min(1),
  /** Its default, as the sources state it ("on for Free accounts (WIRED test)", "not confirmed"). */
  default: z.string().optional(),
  sources: sourceRefs,
});

export const TrainsByDefaultSchema = z.strictObject({
  value: z.enum(["yes", "no", "partial", "unknown"]),
  detail: z.string().optional(),
  sources: sourceRefs,
});

export const CaveatSchema = z.strictObject({
  id: slug,
  text: z.string().min(1),
  sources: sourceRefs,
});

export const RetentionSchema = z.strictObject({
  withTraining: z.string().optional(),
  withoutTraining: z.string().optional(),
  notes: z.array(z.string()).default([]),
  sources: sourceRefs,
});

export const DeadlineSchema = z.strictObject({
  /** Defaults to `<date>-<slug of title>` so overlay entries need only date and title. */
  id: slug.optional(),
  date: isoDate,
  title: plainName(200),
  /** `regulation`: a law's date (EU AI Act, a US state), announced only to channels subscribed to `regulation`. */
  kind: z.enum(["deadline", "effective", "change", "regulation"]).default("deadline"),
  detail: z.string().optional(),
  sources: sourceRefs,
});

export const DocumentSchema = z.strictObject({
  id: slug,
  title: z.string().min(1),
  url: httpUrl,
  select: z.array(z.string().min(1)).min(1).default(["main"]),
  remove: z.array(z.string().min(1)).default([]),
  /** A help article that carries the opt-out steps: a change marks the catalog entry for review. */
  carriesSteps: z.boolean().default(false),
  /** Plain HTTP returns no text (the archive needed a headless browser): report that clearly. */
  needsBrowser: z.boolean().default(false),
  /**
   * Hosts on another site this document may redirect to (a policy hosted by a vendor's parent company,
   * say). Redirects within the document's own registrable site need no entry; private, loopback and
   * link-local addresses are refused whatever this says (src/monitor/redirects.ts).
   */
  allowRedirectsTo: z.array(z.hostname()).default([]),
});

export const ProviderSchema = z.strictObject({
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
  relatedSettings: z.array(RelatedSettingSchema).default([]),
  notCovered: z.array(CaveatSchema).default([]),
  retention: RetentionSchema.optional(),
  deadlines: z.array(DeadlineSchema).default([]),
  uncertainties: z.array(z.string()).default([]),
  confidence: z.enum(["strong", "medium", "weak"]).default("weak"),
  sources: z.array(SourceSchema).default([]),
  lastReviewed: isoDate.optional(),
  documents: z.array(DocumentSchema).default([]),
  /**
   * Hosts the provider owns (a suffix matches subdomains): an `official` source or a `settingsUrl`
   * elsewhere fails the quality gates. When empty (an overlay entry), the hosts of its documents count.
   */
  ownHosts: z.array(z.string().regex(/^[a-z0-9.-]+$/, "a host name such as openai.com")).default([]),
});

/**
 * A regulatory date (EU AI Act, a US state's law): context, not an opt-out. It has no provider, carries its
 * own sources, and is announced only to channels subscribed to `regulation`.
 */
export const RegulationEventSchema = z.strictObject({
  id: slug,
  date: isoDate,
  title: plainName(200),
  /** The law or place it concerns, shown where a provider's name would be ("EU AI Act", "California"). */
  jurisdiction: plainName(80),
  detail: z.string().optional(),
  sources: z.array(SourceSchema).min(1),
});

export const RegulationFileSchema = z.strictObject({ events: z.array(RegulationEventSchema) });

export const CatalogFileSchema = z.strictObject({ providers: z.array(z.unknown()) });

export type RelatedSetting = z.infer<typeof RelatedSettingSchema>;
export type RegulationEvent = z.infer<typeof RegulationEventSchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Step = z.infer<typeof StepSchema>;
export type PlatformSteps = z.infer<typeof PlatformStepsSchema>;
export type OptOut = z.infer<typeof OptOutSchema>;
export type Caveat = z.infer<typeof CaveatSchema>;
export type Retention = z.infer<typeof RetentionSchema>;
export type PolicyDocument = z.infer<typeof DocumentSchema>;
export type Deadline = z.infer<typeof DeadlineSchema> & { id: string };
export type Provider = Omit<z.infer<typeof ProviderSchema>, "deadlines"> & { deadlines: Deadline[] };
