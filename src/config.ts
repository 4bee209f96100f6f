import { config as loadDotenv } from "dotenv";
import { validate as isValidCron } from "node-cron";
import { z } from "zod";

const cron = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine(
      (v) => isValidCron(v),
      "is not a valid cron expression (5 fields, or 6 with seconds), e.g. */5 * * * *",
    );

const slackId = /^[UW][A-Z0-9]{2,}$/;

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** PUBLIC_URL is a base for links: http(s), and nothing after the path that a link could not extend. */
const isPlainWebAddress = (value: string): boolean => {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
};

/** Every environment variable the bot reads, with its default and the advice shown when it is wrong. */
export const EnvSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: "is required: the Bot User OAuth Token from your app's OAuth & Permissions page" })
    .trim()
    .regex(/^xoxb-/, "must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)"),
  SLACK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{16,}$/i, "must be the hex Signing Secret from your app's Basic Information page")
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .regex(
      /^xapp-/,
      "must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)",
    )
    .optional(),
  PORT: z.coerce
    .number({ error: "must be a TCP port number, e.g. 3000" })
    .int("must be a whole number")
    .min(0, "must be between 0 and 65535")
    .max(65535, "must be between 0 and 65535")
    .default(3000),
  SLACK_API_URL: z
    .string()
    .trim()
    .url("must be a URL such as https://slack.com/api/")
    .transform((u) => (u.endsWith("/") ? u : `${u}/`))
    .default("https://slack.com/api/"),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(
      /^sqlite:.+/,
      "must look like sqlite:./data/ai-privacy.db (sqlite:<file path>, or sqlite::memory: for tests)",
    )
    .default("sqlite:./data/ai-privacy.db"),
  PUBLIC_URL: z
    .string()
    .trim()
    .refine(
      isPlainWebAddress,
      "must be the bot's public http(s) address, without credentials, ?query or #fragment, such as https://privacy-bot.example.com",
    )
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  CATALOG_PATH: z.string().trim().min(1).optional(),
  ADMIN_USER_IDS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (ids) => ids.every((id) => slackId.test(id)),
      "must be comma-separated Slack user IDs such as U01ABCDEF,U02GHIJKL",
    ),
  POLICY_CHECK_CRON: cron("17 */6 * * *"),
  DEADLINE_CHECK_CRON: cron("0 9 * * *"),
  REMINDER_CRON: cron("*/5 * * * *"),
  OUTBOX_CRON: cron("*/10 * * * * *"),
  DEADLINE_LEAD_DAYS: z
    .string()
    .default("14,7,3,1,0")
    .transform((v) => v.split(",").map((s) => s.trim()))
    .refine(
      (parts) => parts.length > 0 && parts.every((p) => /^\d{1,3}$/.test(p)),
      "must be comma-separated whole days, e.g. 14,7,3,1,0",
    )
    .transform((parts) => [...new Set(parts.map(Number))].sort((a, b) => b - a)),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default("UTC")
    .refine(isTimeZone, "must be an IANA time zone such as UTC, Europe/Berlin or America/New_York"),
  OPS_CHANNEL_ID: z
    .string()
    .trim()
    .regex(
      /^[CG][A-Z0-9]{2,}$/,
      "must be a channel ID such as C0123ABCD (channel details → About → Channel ID)",
    )
    .optional(),
  CATALOG_STALE_DAYS: z.coerce
    .number({ error: "must be a number of days, e.g. 120" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .default(120),
  RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days, e.g. 180" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .default(180),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"], { error: "must be one of debug, info, warn, error" })
    .default("info"),
});

const MISSING_SIGNING_SECRET =
  "SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN to use Socket Mode instead";

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration problem${problems.length > 1 ? "s" : ""}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Empty strings in .env mean "not set": treat them as absent so defaults and optionals apply. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== "") out[k] = v;
  return out;
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const present = withoutEmpty(env);
  const result = EnvSchema.safeParse(present);
  // Checked outside the schema so it is reported together with every other problem, not after them.
  const modeProblems =
    !present.SLACK_APP_TOKEN && !present.SLACK_SIGNING_SECRET ? [MISSING_SIGNING_SECRET] : [];
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => `${String(issue.path[0] ?? "environment")} ${issue.message}`)),
    ...modeProblems,
  ];
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(problems.map((p) => `${p} — set it in .env (see .env.example)`));
}

/** Loads `.env` (without overriding real environment variables) and validates everything. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  loadDotenv({ quiet: true });
  return parseConfig(env);
}

/** The SQLite file path inside DATABASE_URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^sqlite:/, "");
}
