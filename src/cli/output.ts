import { ansiStyle, plainStyle, type TerminalStyle } from "../blocks/index.js";
import type { Out } from "./types.js";

/**
 * Styling only for a person at a terminal: never when output is piped or redirected, and never when
 * NO_COLOR is set to anything non-empty (https://no-color.org).
 */
export function styleFor(out: Out, env: NodeJS.ProcessEnv = process.env): TerminalStyle {
  if (env.NO_COLOR) return plainStyle;
  return (out as { isTTY?: boolean }).isTTY ? ansiStyle : plainStyle;
}

/**
 * `ai-privacy providers --json | head`: once the reader has gone, stop quietly (like other Unix tools
 * after SIGPIPE) instead of dying on an unhandled EPIPE 'error' event with a stack trace.
 */
export function exitQuietlyOnClosedPipe(
  stream: NodeJS.WriteStream,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") exit(0);
    else throw err;
  });
}
