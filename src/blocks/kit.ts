import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import { checkMessage, LIMITS } from "./limits.js";
import { truncate } from "./mrkdwn.js";

/** Tiny constructors that enforce per-field limits at the source, so renderers stay readable. */
export const header = (text: string): HeaderBlock => ({
  type: "header",
  text: { type: "plain_text", text: truncate(text, LIMITS.headerText), emoji: true },
});

export const section = (text: string, accessory?: Button): SectionBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) },
  ...(accessory ? { accessory } : {}),
});

export const fields = (items: string[]): SectionBlock => ({
  type: "section",
  fields: items
    .slice(0, LIMITS.sectionFields)
    .map((t) => ({ type: "mrkdwn", text: truncate(t, LIMITS.fieldText) })),
});

export const context = (...texts: string[]): ContextBlock => ({
  type: "context",
  elements: texts
    .slice(0, LIMITS.contextElements)
    .map((t) => ({ type: "mrkdwn", text: truncate(t, LIMITS.sectionText) })),
});

export const divider = (): KnownBlock => ({ type: "divider" });

export function button(
  label: string,
  actionId: string,
  options: { value?: string; url?: string; style?: "primary" | "danger" } = {},
): Button {
  return {
    type: "button",
    text: { type: "plain_text", text: truncate(label, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    ...(options.value !== undefined ? { value: options.value.slice(0, LIMITS.buttonValue) } : {}),
    ...(options.url ? { url: options.url } : {}),
    ...(options.style ? { style: options.style } : {}),
  };
}

export const actions = (blockId: string, ...elements: Button[]): ActionsBlock => ({
  type: "actions",
  block_id: blockId,
  elements: elements.slice(0, LIMITS.actionsElements),
});

/**
 * Drops optional blocks (lowest priority first) until the message fits Slack's limits; required blocks
 * always stay. `optional` lists indexes into `blocks`, most expendable first.
 */
export function fitBlocks(blocks: KnownBlock[], optional: number[]): KnownBlock[] {
  let kept = blocks;
  const dropped = new Set<number>();
  for (const index of [undefined, ...optional]) {
    if (index !== undefined) dropped.add(index);
    kept = blocks.filter((_, i) => !dropped.has(i));
    if (checkMessage({ blocks: kept }).length === 0) return kept;
  }
  return kept;
}
