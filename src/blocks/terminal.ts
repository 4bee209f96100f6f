/** Renders Block Kit as readable terminal text, so `ai-privacy ask` shows what Slack would. */

type Json = Record<string, unknown>;

export interface TerminalStyle {
  bold(s: string): string;
  dim(s: string): string;
}

export const plainStyle: TerminalStyle = { bold: (s) => s, dim: (s) => s };
export const ansiStyle: TerminalStyle = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};

/**
 * Slack mrkdwn → terminal text (https://docs.slack.dev/messaging/formatting-message-text): links become
 * "label (url)", mentions "@U…", and Slack-only markup — `code`, _italic_, ~strike~, *bold* — is taken off
 * (bold becomes the terminal style, which is plain without a TTY or with NO_COLOR).
 */
function mrkdwnToText(text: string, style: TerminalStyle): string {
  return text
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => `${label} (${url})`)
    .replace(/<(https?:[^|>]+)>/g, "$1")
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, "@$1")
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, "#$1")
    .replace(/<!subteam\^([A-Z0-9]+)(\|[^>]*)?>/g, "@$1")
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, "$1")
    .replace(/`([^`\n]+)`/g, "$1")
    .replace(/(^|[\s(“"])_([^_\n]+)_(?=$|[\s.,;:!?)”"])/gm, "$1$2")
    .replace(/(^|[\s(“"])~([^~\n]+)~(?=$|[\s.,;:!?)”"])/gm, "$1$2")
    .replace(/(^|[\s(“"])\*([^*\n]+)\*/g, (_m, pre: string, inner: string) => `${pre}${style.bold(inner)}`)
    .replace(/:([a-z0-9_+-]+):( ?)/g, (_m, name: string, space: string) =>
      EMOJI[name] ? `${EMOJI[name]}${space}` : "",
    )
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

const EMOJI: Record<string, string> = {
  warning: "⚠",
  large_green_circle: "●",
  large_yellow_circle: "●",
  red_circle: "●",
  grey_question: "?",
  thinking_face: "?",
  lock: "🔒",
};

const textOf = (o: unknown): string => (o && typeof o === "object" ? String((o as Json).text ?? "") : "");

export function blocksToText(blocks: readonly unknown[], style: TerminalStyle = plainStyle): string {
  const out: string[] = [];
  for (const raw of blocks as Json[]) {
    switch (raw.type) {
      case "header":
        out.push(style.bold(textOf(raw.text).toUpperCase()), "");
        break;
      case "section": {
        if (raw.text) out.push(mrkdwnToText(textOf(raw.text), style));
        for (const f of (raw.fields as Json[] | undefined) ?? []) out.push(mrkdwnToText(textOf(f), style));
        const acc = raw.accessory as Json | undefined;
        if (acc?.type === "button" && acc.url) out.push(`  → ${textOf(acc.text)}: ${String(acc.url)}`);
        out.push("");
        break;
      }
      case "context":
        out.push(
          style.dim(((raw.elements as Json[]) ?? []).map((e) => mrkdwnToText(textOf(e), style)).join("  ")),
          "",
        );
        break;
      case "actions": {
        // Link buttons print their URL and "show steps" buttons the command that shows them; the rest
        // ("Share in channel", reminder answers) are Slack actions with no meaning in a terminal.
        const links = ((raw.elements as Json[]) ?? []).flatMap((e) => {
          if (e.type !== "button") return [];
          if (typeof e.url === "string") return [`  → ${textOf(e.text)}: ${e.url}`];
          if (/^show_steps(:|$)/.test(String(e.action_id)) && typeof e.value === "string")
            return [`  → ${textOf(e.text)}: ai-privacy ask ${e.value}`];
          return [];
        });
        if (links.length) out.push(...links, "");
        break;
      }
      case "divider":
        out.push("────────", "");
        break;
    }
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
