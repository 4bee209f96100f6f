import { config as loadDotenv } from "dotenv";
import { validate as isValidCron } from "node-cron";
import { z } from "zod";
import { type DistributedAuth, KEY_ADVICE, parseEncryptionKey } from "./install/index.js";
import { parseDatabaseUrl } from "./store/index.js";

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
    .string()
    .trim()
    .regex(/^xoxb-/, "must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)")
    .optional(),
  // Distributed mode (installs through OAuth): Basic Information → App Credentials.
  SLACK_CLIENT_ID: z
    .string()
    .trim()
    .regex(
      /^\d+\.\d+$/,
      "must be the Client ID from Basic Information → App Credentials, e.g. 1234567890.1234567890",
    )
    .optional(),
  SLACK_CLIENT_SECRET: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{16,}$/i, "must be the hex Client Secret from Basic Information → App Credentials")
    .optional(),
  SLACK_STATE_SECRET: z
    .string()
    .trim()
    .min(
      32,
      "must be at least 32 random characters (it signs the OAuth state), e.g. from: openssl rand -hex 32",
    )
    .optional(),
  INSTALLATION_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((v) => parseEncryptionKey(v).ok, KEY_ADVICE)
    .optional(),
  SLACK_SCOPES: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (scopes) => scopes.length > 0 && scopes.every((s) => /^[a-z]+(:[a-z.]+)*$/.test(s)),
      "must be comma-separated bot scopes such as commands,chat:write,users:read",
    )
    .optional(),
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
    .default("sqlite:./data/ai-privacy.db")
    .superRefine((url, ctx) => {
      const parsed = parseDatabaseUrl(url);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
    }),
  // PostgreSQL only (ignored for sqlite:): pool size and timeouts. TLS is the URL's ?sslmode=.
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: "must be a number of connections, e.g. 10" })
    .int("must be a whole number of connections")
    .min(1, "must be at least 1")
    .max(1000, "must be at most 1000")
    .default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds, e.g. 30000" })
    .int("must be a whole number of milliseconds")
    .min(0, "must be 0 (no limit) or more")
    .default(30_000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds, e.g. 10000" })
    .int("must be a whole number of milliseconds")
    .min(100, "must be at least 100")
    .default(10_000),
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
  ESCALATE_DAYS: z.coerce
    .number({ error: "must be a number of days, e.g. 3" })
    .int("must be a whole number of days")
    .min(0, "must be 0 (the deadline day) or more")
    .max(365, "must be at most 365 days")
    .default(3),
  RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days, e.g. 180" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .default(180),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"], { error: "must be one of debug, info, warn, error" })
    .default("info"),
  /** Node's convention: `production` drops development-time checks (databaseOptions). Any other value keeps them. */
  NODE_ENV: z.string().trim().optional(),
});

const MISSING_SIGNING_SECRET =
  "SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN to use Socket Mode instead";

/** The bot scopes manifest.yml asks for (a test keeps the two equal); SLACK_SCOPES overrides them. */
export const DEFAULT_SCOPES: readonly string[] = [
  "commands",
  "chat:write",
  "channels:read",
  "groups:read",
  "users:read",
  "usergroups:read",
  "channels:history",
  "groups:history",
  "im:write",
  "im:history",
  "files:write",
];

/** How the bot gets its tokens: one workspace's bot token, or installs through OAuth (README, "Distributing"). */
export type SlackAuth = { mode: "single"; botToken: string } | ({ mode: "distributed" } & DistributedAuth);

export type Config = z.infer<typeof EnvSchema> & { slackAuth: SlackAuth };

const DISTRIBUTED_VARS = [
  "SLACK_CLIENT_ID",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "INSTALLATION_ENCRYPTION_KEY",
] as const;

/** Exactly one way to get tokens; the problems name the variables to set or remove. */
function modeProblems(present: Record<string, string>): string[] {
  const distributed = DISTRIBUTED_VARS.filter((name) => present[name] !== undefined);
  if (present.SLACK_BOT_TOKEN && distributed.length)
    return [
      `SLACK_BOT_TOKEN and ${distributed.join(", ")} are both set: choose one mode — SLACK_BOT_TOKEN for one workspace, or ${DISTRIBUTED_VARS.join(", ")} to let workspaces install the app through OAuth`,
    ];
  if (!present.SLACK_BOT_TOKEN && !distributed.length)
    return [
      `SLACK_BOT_TOKEN is required: the Bot User OAuth Token from your app's OAuth & Permissions page (or, to let many workspaces install the app, set ${DISTRIBUTED_VARS.join(", ")} instead)`,
    ];
  if (!distributed.length) return [];
  const missing = DISTRIBUTED_VARS.filter((name) => present[name] === undefined);
  const problems = missing.map(
    (name) =>
      `${name} is required in distributed mode (${distributed.join(", ")} ${distributed.length > 1 ? "are" : "is"} set)${name === "INSTALLATION_ENCRYPTION_KEY" ? `: it ${KEY_ADVICE}` : ""}`,
  );
  // Both name one workspace's people or channel; in distributed mode each workspace has its own.
  if (present.ADMIN_USER_IDS)
    problems.push(
      "ADMIN_USER_IDS names people of one workspace: unset it in distributed mode (each workspace's admins and owners are its leads)",
    );
  if (present.OPS_CHANNEL_ID)
    problems.push(
      "OPS_CHANNEL_ID names a channel of one workspace: unset it in distributed mode (notices go to the leads concerned in their own workspace)",
    );
  return problems;
}

function slackAuthOf(data: z.infer<typeof EnvSchema>): SlackAuth {
  if (data.SLACK_BOT_TOKEN) return { mode: "single", botToken: data.SLACK_BOT_TOKEN };
  const key = parseEncryptionKey(data.INSTALLATION_ENCRYPTION_KEY ?? "");
  if (!key.ok) throw new Error("unreachable: the schema checked INSTALLATION_ENCRYPTION_KEY");
  return {
    mode: "distributed",
    clientId: data.SLACK_CLIENT_ID ?? "",
    clientSecret: data.SLACK_CLIENT_SECRET ?? "",
    stateSecret: data.SLACK_STATE_SECRET ?? "",
    encryptionKey: key.key,
    scopes: data.SLACK_SCOPES ?? [...DEFAULT_SCOPES],
  };
}

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
  const receiverProblems =
    !present.SLACK_APP_TOKEN && !present.SLACK_SIGNING_SECRET ? [MISSING_SIGNING_SECRET] : [];
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => `${String(issue.path[0] ?? "environment")} ${issue.message}`)),
    ...modeProblems(present),
    ...receiverProblems,
  ];
  if (result.success && problems.length === 0) return { ...result.data, slackAuth: slackAuthOf(result.data) };
  throw new ConfigError(problems.map((p) => `${p} — set it in .env (see .env.example)`));
}

/** Loads `.env` (without overriding real environment variables) and validates everything. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  loadDotenv({ quiet: true });
  return parseConfig(env);
}

/** The store's PostgreSQL settings from the environment (unused for sqlite:). */
export function databaseOptions(config: Config): {
  postgres: { poolSize: number; statementTimeoutMs: number; connectTimeoutMs: number };
  checkTransactionUse: boolean;
} {
  return {
    postgres: {
      poolSize: config.DATABASE_POOL_SIZE,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    },
    // The store's misuse check costs every promise on Node 20/22 (store/kysely, OpenOptions).
    checkTransactionUse: config.NODE_ENV !== "production",
  };
}

/** The SQLite file path inside DATABASE_URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^sqlite:/, "");
}
