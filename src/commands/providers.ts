import { escapeMrkdwn } from "../blocks/index.js";
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

/** Unknown words listed one by one; beyond this they are counted (150 stray words must still fit a reply). */
export const MAX_PROBLEMS_LISTED = 10;

export type ResolvedForReply = { ok: true; providers: Provider[] } | { ok: false; reply: Reply };

/**
 * Provider words from any verb → providers, through the catalog's one resolver; a problem becomes the
 * same answer whichever verb asked. `after` is appended to it (e.g. "Nobody was asked.").
 */
export function resolveForReply(catalog: Catalog, words: readonly string[], after = ""): ResolvedForReply {
  const { providers, problems } = resolveProviders(catalog, words);
  if (problems.length === 0) return { ok: true, providers };
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map(describeProblem);
  const more = problems.length - listed.length;
  if (more > 0)
    listed.push(`…and ${more} more ${more === 1 ? "word" : "words"} I couldn't match to a provider.`);
  return {
    ok: false,
    reply: textReply(
      `:thinking_face: ${listed.join("\n")}${after ? `\n${after}` : ""}\n\`/ai-privacy list\` shows every provider I know.`,
    ),
  };
}
