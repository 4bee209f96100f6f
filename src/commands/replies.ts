import { escapeMrkdwn } from "../blocks/mrkdwn.js";
import type { Reply } from "./types.js";

/** Small replies every handler uses: always ephemeral, always Block Kit, user text escaped. */
export function textReply(text: string, responseType: Reply["responseType"] = "ephemeral"): Reply {
  return {
    responseType,
    text: text.slice(0, 300),
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
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
