import { escapeMrkdwn } from "../blocks/mrkdwn.js";
import { type Catalog, type Provider, type ResolveProblem, resolveProviders } from "../catalog/index.js";
import { textReply } from "./replies.js";
import type { Reply } from "./types.js";

const names = (ps: readonly Provider[]) => ps.map((p) => `*${escapeMrkdwn(p.name)}*`).join(", ");

/** One line per word that named no single provider: which ones it could be, or the nearest. */
export function describeProblem(problem: ResolveProblem): string {
  const word = escapeMrkdwn(problem.word);
  if (problem.kind === "ambiguous") return `“${word}” could be ${names(problem.candidates)}: say which.`;
  const hint = problem.suggestions.length ? ` Did you mean ${names(problem.suggestions)}?` : "";
  return `I don't know “${word}”.${hint}`;
}

export type ResolvedForReply = { ok: true; providers: Provider[] } | { ok: false; reply: Reply };

/**
 * Provider words from any verb → providers, through the catalog's one resolver; a problem becomes the
 * same answer whichever verb asked. `after` is appended to it (e.g. "Nobody was asked.").
 */
export function resolveForReply(catalog: Catalog, words: readonly string[], after = ""): ResolvedForReply {
  const { providers, problems } = resolveProviders(catalog, words);
  if (problems.length === 0) return { ok: true, providers };
  return {
    ok: false,
    reply: textReply(
      `:thinking_face: ${problems.map(describeProblem).join("\n")}${after ? `\n${after}` : ""}\n\`/ai-privacy list\` shows every provider I know.`,
    ),
  };
}
