export type Out = { write(s: string): unknown };

/** Where a verb writes: its answer on `out`, problems on `err`. */
export interface Io {
  out: Out;
  err: Out;
  env: NodeJS.ProcessEnv;
}

export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/**
 * The operator asked for something that cannot be done as asked (an unknown provider, document or
 * campaign; a missing argument): one line on stderr and exit code 2, like a configuration mistake.
 */
export class CliUsageError extends Error {
  override name = "CliUsageError";
}
