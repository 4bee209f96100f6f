/**
 * DATABASE_URL → which database, validated before anything connects. `sqlite:<path>` (the default) or
 * `postgres://` / `postgresql://` in libpq's URI form (postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING).
 * Only the query parameters below are understood; any other is refused rather than silently ignored.
 */
export type SslMode = "disable" | "require" | "verify-ca" | "verify-full";

export interface PostgresTarget {
  dialect: "postgres";
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  database: string;
  sslmode: SslMode;
  /** A CA file for verify-ca / verify-full (libpq's sslrootcert); unset: Node's built-in CAs. */
  sslrootcert: string | undefined;
  applicationName: string;
  /** libpq's `options` startup parameter, e.g. `-c search_path=bot` to keep the tables in their own schema. */
  options: string | undefined;
  /** The URL without its password, for messages. */
  display: string;
}

export type DatabaseTarget = { dialect: "sqlite"; path: string } | PostgresTarget;

export type ParsedDatabaseUrl = { ok: true; target: DatabaseTarget } | { ok: false; error: string };

const SSL_MODES: readonly SslMode[] = ["disable", "require", "verify-ca", "verify-full"];
const PARAMS = ["sslmode", "sslrootcert", "application_name", "options"];

export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const value = url.trim();
  if (value.startsWith("sqlite:")) {
    const path = value.slice("sqlite:".length);
    return path
      ? { ok: true, target: { dialect: "sqlite", path } }
      : { ok: false, error: "must name a file after sqlite:, e.g. sqlite:./data/ai-privacy.db" };
  }
  if (!/^postgres(ql)?:\/\//.test(value)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
    return {
      ok: false,
      error: `${scheme ? `the scheme "${scheme}:" is not supported` : "is not a database URL"}; use sqlite:<file path> (e.g. sqlite:./data/ai-privacy.db) or postgres://user:password@host:5432/database`,
    };
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return {
      ok: false,
      error: "is not a valid postgres:// URL, e.g. postgres://user:password@host:5432/database",
    };
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!u.hostname)
    return { ok: false, error: "must name a host, e.g. postgres://user@db.example.com:5432/ai_privacy" };
  if (!database || database.includes("/"))
    return {
      ok: false,
      error: "must name the database after the host, e.g. postgres://user@host:5432/ai_privacy",
    };
  for (const key of u.searchParams.keys())
    if (!PARAMS.includes(key))
      return { ok: false, error: `has an unknown parameter ?${key}= (understood: ${PARAMS.join(", ")})` };
  const sslmode = (u.searchParams.get("sslmode") ?? "disable") as SslMode;
  if (!SSL_MODES.includes(sslmode))
    return { ok: false, error: `has sslmode=${sslmode}; use one of ${SSL_MODES.join(", ")}` };
  const display = new URL(value);
  if (display.password) display.password = "***";
  return {
    ok: true,
    target: {
      dialect: "postgres",
      // URL keeps IPv6 literals bracketed; the socket wants them bare.
      host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: u.port ? Number(u.port) : 5432,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database,
      sslmode,
      sslrootcert: u.searchParams.get("sslrootcert") ?? undefined,
      applicationName: u.searchParams.get("application_name") ?? "ai-privacy-bot",
      options: u.searchParams.get("options") ?? undefined,
      display: display.toString(),
    },
  };
}
