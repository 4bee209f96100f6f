import type { KnownBlock, MultiExternalSelect, MultiStaticSelect, PlainTextOption } from "@slack/types";
import {
  actions,
  button,
  checkMessage,
  context,
  divider,
  escapeMrkdwn,
  formatDate,
  header,
  section,
  staleNote,
  truncate,
} from "../blocks/index.js";
import type { Catalog, Provider } from "../catalog/index.js";
import type { Campaign, ReminderState, Store } from "../store/index.js";
import { localDateOf } from "../time/index.js";
import { audienceLine } from "./follow-progress.js";
import { ACTION, slackDate } from "./messages.js";
import {
  type CampaignProgress,
  campaignProgress,
  campaignTitle,
  countsLine,
  progressBar,
  STATE_LABELS,
} from "./progress.js";

export interface ChecklistItem {
  provider: Provider;
  /** The person's answer in the most relevant campaign (an open one first), if they were asked. */
  state?: ReminderState;
  campaign?: Campaign;
  uses: boolean;
  /** "may be out of date (last reviewed …)" when the catalog entry is older than CATALOG_STALE_DAYS. */
  stale?: string;
  /** Set while the monitor has flagged the provider's opt-out article as changed ("needs review"). */
  needsReview?: boolean;
}

export interface HomeView {
  type: "home";
  blocks: KnownBlock[];
}

/** Providers the person was asked about or said they use, unanswered ones first. */
export async function checklist(
  store: Store,
  catalog: Catalog,
  teamId: string,
  userId: string,
): Promise<ChecklistItem[]> {
  const items = new Map<string, ChecklistItem>();
  const campaigns = new Map<number, Campaign | undefined>();
  for (const state of await store.reminders.statesForUser(teamId, userId)) {
    const provider = catalog.byId(state.providerId);
    if (!provider) continue;
    if (!campaigns.has(state.campaignId))
      campaigns.set(state.campaignId, await store.reminders.getCampaign(state.campaignId));
    const campaign = campaigns.get(state.campaignId);
    const current = items.get(provider.id);
    // The answer in an open campaign wins over a closed one; then (several accounts) one still waiting for
    // an answer, so its buttons are here; among equals, the newest.
    const rank = (c: Campaign | undefined, s: ReminderState) =>
      (c?.status === "open" ? 1e15 + (s.state === "pending" || s.state === "snoozed" ? 1e15 : 0) : 0) + s.id;
    if (!current?.state || rank(campaign, state) > rank(current.campaign, current.state)) {
      items.set(provider.id, { provider, state, ...(campaign ? { campaign } : {}), uses: false });
    }
  }
  for (const tool of await store.reminders.tools(teamId, userId)) {
    const provider = catalog.byId(tool.providerId);
    if (!provider) continue;
    const item = items.get(provider.id);
    if (item) item.uses = true;
    else items.set(provider.id, { provider, uses: true });
  }
  const rank = (i: ChecklistItem) =>
    i.state && i.campaign?.status === "open" && (i.state.state === "pending" || i.state.state === "snoozed")
      ? 0
      : 1;
  return [...items.values()].sort(
    (a, b) => rank(a) - rank(b) || a.provider.name.localeCompare(b.provider.name),
  );
}

const option = (p: Provider): PlainTextOption => ({
  text: { type: "plain_text", text: truncate(p.name, 75) },
  value: p.id,
});

/** Up to this many providers the menu lists them all; beyond, it searches as the person types. */
export const STATIC_TOOL_OPTIONS = 40;
/** Slack returns at most 100 options per menu or search answer. */
export const MAX_TOOL_OPTIONS = 100;

/** "Tools I use" search (multi_external_select): providers whose name, id or alias contains the text. */
export function toolOptions(catalog: Catalog, query: string): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  return [...catalog.providers]
    .filter((p) => !q || [p.id, p.name, ...p.aliases].some((k) => k.toLowerCase().includes(q)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, MAX_TOOL_OPTIONS)
    .map(option);
}

function toolsBlock(catalog: Catalog, items: ChecklistItem[]): KnownBlock {
  const using = items.filter((i) => i.uses).map((i) => option(i.provider));
  const initial = using.length ? { initial_options: using.slice(0, MAX_TOOL_OPTIONS) } : {};
  const select: MultiStaticSelect | MultiExternalSelect =
    catalog.providers.length <= STATIC_TOOL_OPTIONS
      ? {
          type: "multi_static_select",
          action_id: ACTION.tools,
          options: toolOptions(catalog, ""),
          ...initial,
        }
      : {
          type: "multi_external_select",
          action_id: ACTION.tools,
          min_query_length: 0,
          ...initial,
        };
  return {
    type: "section",
    block_id: "tools",
    // The hint lives in the label: Slack shows a select's own hint text only while it is empty.
    text: { type: "mrkdwn", text: "*Tools I use*\nPick the AI tools you use; they join your checklist." },
    accessory: select,
  };
}

function stateLine(item: ChecklistItem): string {
  const name = `*${escapeMrkdwn(item.provider.name)}*`;
  const s = item.state;
  if (!s) return `${name}: you use it · not asked by a lead${staleSuffix(item)}`;
  const closed = item.campaign?.status === "closed" ? " (campaign closed)" : "";
  const deadline = item.campaign?.deadline ? ` · deadline ${formatDate(item.campaign.deadline)}` : "";
  const snooze = s.state === "snoozed" && s.snoozedUntil ? ` until ${slackDate(s.snoozedUntil)}` : "";
  return `${name}: ${STATE_LABELS[s.state]}${snooze}${closed}${deadline}${staleSuffix(item)}`;
}

// Same wording and emoji as `list` and the steps answer, so a flagged entry reads the same everywhere.
const staleSuffix = (item: ChecklistItem) =>
  `${item.needsReview ? " · :warning: needs review" : ""}${item.stale ? ` · :hourglass: ${item.stale}` : ""}`;

function itemBlocks(item: ChecklistItem): KnownBlock[] {
  const s = item.state;
  const steps = button("Show steps", ACTION.steps, { value: item.provider.id });
  if (!s || item.campaign?.status !== "open") return [section(stateLine(item), steps)];
  if (s.state === "done" || s.state === "not_using" || s.state === "not_affected") {
    return [section(stateLine(item), button("Undo", ACTION.undo, { value: `${s.id}:${s.state}` }))];
  }
  const value = String(s.id);
  return [
    section(stateLine(item)),
    actions(
      `home:${s.id}`,
      button("I've opted out", ACTION.done, { value, style: "primary" }),
      button("Remind me later", ACTION.later, { value }),
      button("Not using it", ACTION.notUsing, { value }),
      steps,
    ),
  ];
}

/** Only for campaigns that follow a channel or group: ask newcomers (on) or keep the people asked (off). */
const joinersButton = (campaignId: number, on: boolean) =>
  button(on ? "New joiners: asked" : "New joiners: not asked", ACTION.joinersToggle, {
    value: `${campaignId}:${on ? "off" : "on"}`,
  });

function campaignBlocks(p: CampaignProgress): KnownBlock[] {
  const c = p.campaign;
  const close = {
    ...button("Close campaign", ACTION.closeCampaign, { value: String(c.id), style: "danger" }),
    confirm: {
      title: { type: "plain_text" as const, text: "Close this campaign?" },
      text: { type: "mrkdwn" as const, text: "Nobody will be reminded again; you get a closing summary." },
      confirm: { type: "plain_text" as const, text: "Close it" },
      deny: { type: "plain_text" as const, text: "Keep it open" },
    },
  };
  return [
    section(`${campaignTitle(p)}\n${progressBar(p)}\n${countsLine(p.counts)}${audienceLine(p.audience)}`),
    actions(
      `campaign:${c.id}`,
      close,
      button(c.recheck ? "Re-checks: on" : "Re-checks: off", ACTION.recheckToggle, {
        value: `${c.id}:${c.recheck ? "off" : "on"}`,
      }),
      ...(p.audience ? [joinersButton(c.id, p.audience.autoEnrol)] : []),
    ),
  ];
}

const fits = (blocks: KnownBlock[]) => checkMessage({ blocks }, "home").length === 0;

/**
 * The App Home: the person's checklist and, for leads, their open campaigns with progress bars. Items are
 * added while the view stays within Slack's limits (100 blocks, size), so any catalog size renders.
 */
export function renderHome(input: {
  catalog: Catalog;
  items: ChecklistItem[];
  campaigns?: CampaignProgress[];
}): HomeView {
  const top: KnownBlock[] = [
    header("Your AI privacy checklist"),
    section("The AI tools you were asked about or use, and whether training on your chats is off."),
    toolsBlock(input.catalog, input.items),
    divider(),
  ];
  const campaignPart: KnownBlock[] = [];
  if (input.campaigns?.length) {
    campaignPart.push(divider(), header("Your reminder campaigns"));
    for (const p of input.campaigns) {
      const next = [...campaignPart, ...campaignBlocks(p)];
      if (!fits([...top, ...next])) break;
      campaignPart.splice(0, campaignPart.length, ...next);
    }
  }
  const itemPart: KnownBlock[] = [];
  if (!input.items.length)
    itemPart.push(
      section("Nothing here yet: pick the tools you use above, and I'll show how to switch training off."),
    );
  let shown = 0;
  const more = (n: number) => context(`…and ${n} more. \`/ai-privacy my-data\` lists everything.`);
  for (const item of input.items) {
    const next = [...itemPart, ...itemBlocks(item)];
    if (!fits([...top, ...next, more(input.items.length), ...campaignPart])) break;
    itemPart.splice(0, itemPart.length, ...next);
    shown += 1;
  }
  if (shown < input.items.length) itemPart.push(more(input.items.length - shown));
  return { type: "home", blocks: [...top, ...itemPart, ...campaignPart] };
}

/** Gathers and renders one person's App Home, with the open campaigns they lead. */
export async function buildHome(
  deps: {
    store: Store;
    catalog: Catalog;
    /** With these, entries older than CATALOG_STALE_DAYS are marked "may be out of date". */
    now?: () => Date;
    config?: { CATALOG_STALE_DAYS?: number; DEFAULT_TIMEZONE?: string };
  },
  input: { teamId: string; userId: string },
): Promise<HomeView> {
  const today = deps.now ? localDateOf(deps.now(), deps.config?.DEFAULT_TIMEZONE ?? "UTC") : undefined;
  const flagged = new Set((await deps.store.documents.reviewFlags()).map((f) => f.providerId));
  const checked = await checklist(deps.store, deps.catalog, input.teamId, input.userId);
  const items = checked.map((item) => {
    const stale = today ? staleNote(item.provider, today, deps.config?.CATALOG_STALE_DAYS) : undefined;
    return {
      ...item,
      ...(stale ? { stale } : {}),
      ...(flagged.has(item.provider.id) ? { needsReview: true } : {}),
    };
  });
  const led = await deps.store.reminders.listCampaigns({
    teamId: input.teamId,
    status: "open",
    leadId: input.userId,
  });
  const campaigns = await Promise.all(led.map((c) => campaignProgress(deps.store, deps.catalog, c, false)));
  return renderHome({ catalog: deps.catalog, items, campaigns });
}
