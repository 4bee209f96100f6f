import { DEFAULT_SUBSCRIPTION_KINDS, SUBSCRIPTION_KINDS, type SubscriptionKind } from "../store/index.js";
import { calendarDateProblem } from "../time/index.js";
import type { Audience, Command } from "./types.js";

export const USAGE: Record<string, string> = {
  help: "/ai-privacy help",
  list: "/ai-privacy list",
  steps: "/ai-privacy steps <provider>   e.g. /ai-privacy claude",
  deadlines: "/ai-privacy deadlines",
  search: "/ai-privacy search <words>   e.g. /ai-privacy search 5 years",
  subscribe: "/ai-privacy subscribe [provider… | all] [deadlines | changes | catalog]",
  unsubscribe: "/ai-privacy unsubscribe [provider… | all]",
  subscriptions: "/ai-privacy subscriptions",
  remind: "/ai-privacy remind <@person… | #channel | @group…> <provider…> [by YYYY-MM-DD] [no-joiners]",
  status: "/ai-privacy status [provider] [names]",
  "my-data": "/ai-privacy my-data",
  "forget-me": "/ai-privacy forget-me",
};

/** Control characters and zero-width marks only confuse matching; Slack's own text keeps newlines. */
export function cleanText(raw: string): string {
  return raw
    .normalize("NFKC")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Most verbs need a few words; past this the text is not a question about privacy settings. */
const MAX_INPUT = 2000;
/**
 * `remind` carries mentions (`<@U0123ABCD|name>` is ~25 characters), so it reads up to this much: a few
 * hundred mentions. Longer text is refused with its length, never cut silently (a cut mention would be
 * blamed as an unknown provider).
 */
export const MAX_REMIND_INPUT = 12_000;

const MENTION = /<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^[A-Z0-9]+)(?:\|[^>]*)?>/g;

/** Splits an escaped slash-command text into mentions (by kind) and the remaining words. */
export function extractMentions(text: string): { audience: Audience; rest: string; mentions: number } {
  const audience: Audience = { users: [], channels: [], usergroups: [] };
  let mentions = 0;
  const rest = text.replace(MENTION, (_m, id: string) => {
    mentions += 1;
    if (id.startsWith("@")) audience.users.push(id.slice(1));
    else if (id.startsWith("#")) audience.channels.push(id.slice(1));
    else audience.usergroups.push(id.slice("!subteam^".length));
    return " ";
  });
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    audience: {
      users: unique(audience.users),
      channels: unique(audience.channels),
      usergroups: unique(audience.usergroups),
    },
    rest: cleanText(rest),
    mentions,
  };
}

const invalid = (problem: string, usageOf: string): Command => ({
  type: "invalid",
  problem,
  usage: USAGE[usageOf] ?? USAGE.help!,
});

/** Provider words: comma- or space-separated; "all" alone means every provider. */
function providerList(words: string[]): string[] | "all" {
  const items = words
    .join(" ")
    .split(/[,\s]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  if (items.length === 0 || (items.length === 1 && items[0]!.toLowerCase() === "all")) return "all";
  return items;
}

function parseSubscribe(words: string[]): Command {
  const kinds: SubscriptionKind[] = [];
  const providerWords: string[] = [];
  for (const w of words) {
    const lower = w.toLowerCase().replace(/,$/, "");
    if ((SUBSCRIPTION_KINDS as readonly string[]).includes(lower)) kinds.push(lower as SubscriptionKind);
    else providerWords.push(w);
  }
  return {
    type: "subscribe",
    providers: providerList(providerWords),
    kinds: kinds.length ? [...new Set(kinds)] : [...DEFAULT_SUBSCRIPTION_KINDS],
  };
}

const NO_JOINERS = "no-joiners";

function parseRemind(rawText: string): Command {
  if (rawText.length > MAX_REMIND_INPUT)
    return invalid(
      `That's ${rawText.length.toLocaleString("en-US")} characters; I read at most ${MAX_REMIND_INPUT.toLocaleString("en-US")} in one remind (a few hundred mentions). ` +
        "Nobody was asked: mention a #channel or an @user-group instead of many people.",
      "remind",
    );
  const text = cleanText(rawText).replace(/^remind\s*/i, "");
  const { audience, rest, mentions } = extractMentions(text);
  if (!audience.users.length && !audience.channels.length && !audience.usergroups.length) {
    if (/(^|\s)[@#]\S/.test(rest)) {
      return invalid(
        "I couldn't read those mentions. Pick people, a channel or a user group from Slack's autocomplete.",
        "remind",
      );
    }
    return invalid("Say who to remind: mention people, a #channel or an @user-group.", "remind");
  }
  let words = rest.split(" ").filter(Boolean);
  let by: string | undefined;
  const byIndex = words.findIndex((w) => w.toLowerCase() === "by");
  if (byIndex >= 0) {
    const date = words[byIndex + 1];
    if (!date) return invalid("Say the deadline after `by`, as a date like 2026-12-31.", "remind");
    const problem = calendarDateProblem(date);
    if (problem) {
      const reason = problem.startsWith("expected") ? `“${date}” is not a date like 2026-12-31` : problem;
      return invalid(`The deadline must be a real date: ${reason}. Nobody was asked.`, "remind");
    }
    by = date;
    words = [...words.slice(0, byIndex), ...words.slice(byIndex + 2)];
  }
  // `no-joiners`: the campaign keeps the people asked now and does not ask newcomers to its channels/groups.
  const noJoiners = words.some((w) => w.toLowerCase() === NO_JOINERS);
  words = words.filter((w) => w.toLowerCase() !== NO_JOINERS);
  const providers = providerList(words);
  if (providers === "all")
    return invalid("Say which provider(s) to ask about, e.g. claude chatgpt.", "remind");
  return {
    type: "remind",
    audience,
    providers,
    mentions,
    ...(by ? { by } : {}),
    ...(noJoiners ? { autoEnrol: false as const } : {}),
  };
}

/** `status [provider…] [names]`: a trailing `names` is the explicit, audited admin override. */
function parseStatus(words: string[]): Command {
  const names = words.length > 0 && /^(--)?names$/i.test(words[words.length - 1]!);
  const provider = (names ? words.slice(0, -1) : words).join(" ");
  return { type: "status", ...(provider ? { provider } : {}), ...(names ? { names: true } : {}) };
}

/** The `/ai-privacy` grammar. Never throws: anything unreadable becomes an `invalid` command with usage. */
export function parseCommand(rawText: string): Command {
  const verb = (cleanText(rawText.slice(0, 64)).split(" ", 1)[0] ?? "").toLowerCase();
  if (verb === "remind") return parseRemind(rawText);
  if (rawText.length > MAX_INPUT * 4)
    return invalid(`That's a lot of text. Ask about one thing at a time.`, "help");
  const text = cleanText(rawText).slice(0, MAX_INPUT);
  if (!text) return { type: "help" };
  const [, ...restWords] = text.split(" ");
  const rest = restWords.join(" ");
  switch (verb) {
    case "help":
    case "?":
    case "-h":
    case "--help":
      return rest ? { type: "help", topic: rest.toLowerCase() } : { type: "help" };
    case "list":
    case "providers":
      return { type: "list" };
    case "steps":
    case "how":
    case "optout":
    case "opt-out":
      return rest
        ? { type: "steps", query: rest }
        : invalid("Which provider? For example: /ai-privacy steps claude", "steps");
    case "deadlines":
    case "deadline":
    case "dates":
      return { type: "deadlines" };
    case "search":
    case "find":
      return rest
        ? { type: "search", words: rest }
        : invalid("What should I search for? For example: /ai-privacy search 5 years", "search");
    case "subscribe":
      return parseSubscribe(restWords);
    case "unsubscribe":
      return { type: "unsubscribe", providers: providerList(restWords) };
    case "subscriptions":
      return { type: "subscriptions" };
    case "status":
    case "progress":
      return parseStatus(restWords);
    case "my-data":
    case "mydata":
      return { type: "my-data" };
    case "forget-me":
    case "forgetme":
      return { type: "forget-me" };
    default:
      return { type: "steps", query: text };
  }
}
