import type { KnownBlock } from "@slack/types";
import { escapeMrkdwn, LIMITS, truncate } from "../blocks/index.js";
import type { Reply } from "./types.js";

/** Room for a long answer: a few full sections, well inside the ~12k characters a message's blocks may use. */
const MAX_REPLY_CHARS = 9000;
const SECTION_ROOM = LIMITS.sectionText - 100;

/**
 * Text → sections, split on line boundaries so no section passes Slack's 3,000 characters and the whole
 * stays inside the message budget; what does not fit is counted ("…and 12 more lines"), never cut mid-way.
 */
export function textSections(text: string): KnownBlock[] {
  const lines = text.split("\n").map((l) => truncate(l, SECTION_ROOM));
  const sections: string[] = [];
  let current = "";
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    if (used + line.length + 1 > MAX_REPLY_CHARS) break;
    if (current && current.length + line.length + 1 > SECTION_ROOM) {
      sections.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
    used += line.length + 1;
    shown += 1;
  }
  if (shown < lines.length) current += `\n…and ${lines.length - shown} more lines not shown.`;
  if (current) sections.push(current);
  return sections.map((t) => ({ type: "section", text: { type: "mrkdwn", text: t } }));
}

/** Small replies every handler uses: always ephemeral, always Block Kit, user text escaped. */
export function textReply(text: string, responseType: Reply["responseType"] = "ephemeral"): Reply {
  return {
    responseType,
    text: truncate(text, 300),
    blocks: textSections(text),
  };
}

export function errorReply(message: string): Reply {
  return textReply(`:warning: ${message}`);
}

export function invalidReply(problem: string, usage: string): Reply {
  return {
    responseType: "ephemeral",
    text: problem.slice(0, 300),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:thinking_face: ${escapeMrkdwn(problem)}` } },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `Usage: \`${escapeMrkdwn(usage)}\` · \`/ai-privacy help\` lists everything`,
          },
        ],
      },
    ],
  };
}

/** The polite refusal for lead-only commands: says who can. */
export function leadOnlyReply(what: string, whoCan: string): Reply {
  return textReply(`:lock: Only team leads can ${what}. ${whoCan}`);
}
