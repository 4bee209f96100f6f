/**
 * One check that a message fits Slack's Block Kit limits (shared/slack-reference.md, from
 * docs.slack.dev/reference/block-kit) and can never ping a whole channel. Renderers are tested with it
 * for every provider and every command, and the outbox refuses to enqueue a message that fails it.
 */

export type Surface = "message" | "modal" | "home";

export const LIMITS = {
  blocks: { message: 50, modal: 100, home: 100 },
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  blockId: 255,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  url: 3000,
  /** bolt-js #2509/#2867: `msg_blocks_too_long` near ~13k characters of blocks; keep a margin. */
  blocksJsonChars: 12_000,
  /** chat.postMessage truncates top-level text beyond 40,000 characters; notifications want far less. */
  fallbackText: 3000,
} as const;

const BROADCAST = /<!(channel|here|everyone)(\|[^>]*)?>/i;

type Json = Record<string, unknown>;

const textOf = (obj: unknown): string | undefined =>
  obj && typeof obj === "object" && typeof (obj as Json).text === "string"
    ? ((obj as Json).text as string)
    : undefined;

function checkElement(el: Json, where: string, problems: string[]): void {
  if (typeof el.action_id === "string" && el.action_id.length > LIMITS.actionId)
    problems.push(`${where}.action_id longer than ${LIMITS.actionId}`);
  if (el.type === "button") {
    const label = textOf(el.text) ?? "";
    if (label.length === 0 || label.length > LIMITS.buttonText)
      problems.push(`${where}: button text must be 1–${LIMITS.buttonText} chars (${label.length})`);
    if (typeof el.value === "string" && el.value.length > LIMITS.buttonValue)
      problems.push(`${where}.value longer than ${LIMITS.buttonValue}`);
    if (typeof el.url === "string" && el.url.length > LIMITS.url)
      problems.push(`${where}.url longer than ${LIMITS.url}`);
  }
}

/** Returns every problem found; an empty list means Slack will accept the message. */
export function checkMessage(
  message: { text?: string; blocks?: readonly unknown[] },
  surface: Surface = "message",
): string[] {
  const problems: string[] = [];
  const blocks = (message.blocks ?? []) as Json[];
  if (message.text !== undefined && message.text.length > LIMITS.fallbackText)
    problems.push(`text longer than ${LIMITS.fallbackText}`);
  if (blocks.length > LIMITS.blocks[surface])
    problems.push(`${blocks.length} blocks; at most ${LIMITS.blocks[surface]} in a ${surface}`);
  if (surface === "message" && blocks.length === 0 && !message.text)
    problems.push("a message needs text or blocks");
  blocks.forEach((block, i) => {
    const where = `blocks[${i}] (${String(block.type)})`;
    if (typeof block.block_id === "string" && block.block_id.length > LIMITS.blockId)
      problems.push(`${where}.block_id longer than ${LIMITS.blockId}`);
    switch (block.type) {
      case "section": {
        const text = textOf(block.text);
        const fields = (block.fields as Json[] | undefined) ?? [];
        if (text === undefined && fields.length === 0) problems.push(`${where}: needs text or fields`);
        if (text !== undefined && (text.length < 1 || text.length > LIMITS.sectionText))
          problems.push(`${where}.text must be 1–${LIMITS.sectionText} chars (${text.length})`);
        if (fields.length > LIMITS.sectionFields)
          problems.push(`${where}: ${fields.length} fields; at most ${LIMITS.sectionFields}`);
        fields.forEach((f, j) => {
          const t = textOf(f) ?? "";
          if (t.length < 1 || t.length > LIMITS.fieldText)
            problems.push(`${where}.fields[${j}] must be 1–${LIMITS.fieldText} chars (${t.length})`);
        });
        if (block.accessory) checkElement(block.accessory as Json, `${where}.accessory`, problems);
        break;
      }
      case "header": {
        const t = textOf(block.text) ?? "";
        if (t.length < 1 || t.length > LIMITS.headerText)
          problems.push(`${where}.text must be 1–${LIMITS.headerText} chars (${t.length})`);
        break;
      }
      case "context": {
        const els = (block.elements as Json[] | undefined) ?? [];
        if (els.length < 1 || els.length > LIMITS.contextElements)
          problems.push(`${where}: 1–${LIMITS.contextElements} elements (${els.length})`);
        els.forEach((el, j) => {
          const t = textOf(el);
          if (t !== undefined && (t.length < 1 || t.length > LIMITS.sectionText))
            problems.push(`${where}.elements[${j}] text must be 1–${LIMITS.sectionText} chars`);
        });
        break;
      }
      case "actions": {
        const els = (block.elements as Json[] | undefined) ?? [];
        if (els.length < 1 || els.length > LIMITS.actionsElements)
          problems.push(`${where}: 1–${LIMITS.actionsElements} elements (${els.length})`);
        els.forEach((el, j) => {
          checkElement(el, `${where}.elements[${j}]`, problems);
        });
        break;
      }
    }
  });
  const json = JSON.stringify(blocks);
  if (json.length > LIMITS.blocksJsonChars)
    problems.push(
      `blocks total ${json.length} chars; keep under ${LIMITS.blocksJsonChars} (msg_blocks_too_long)`,
    );
  if (BROADCAST.test(json) || BROADCAST.test(message.text ?? ""))
    problems.push("contains a channel-wide ping (<!channel>, <!here> or <!everyone>)");
  return problems;
}

export class BlockLimitError extends Error {
  constructor(readonly problems: string[]) {
    super(`message exceeds Block Kit limits: ${problems.join("; ")}`);
    this.name = "BlockLimitError";
  }
}

/** Throws when a message would be rejected by Slack; use before enqueueing or sending. */
export function assertMessageFits(
  message: { text?: string; blocks?: readonly unknown[] },
  surface: Surface = "message",
): void {
  const problems = checkMessage(message, surface);
  if (problems.length) throw new BlockLimitError(problems);
}
