import type { KnownBlock } from "@slack/types";
import {
  assertMessageFits,
  button,
  context,
  escapeMrkdwn,
  fitBlocks,
  formatDate,
  header,
  section,
} from "../blocks/index.js";
import type { Catalog } from "../catalog/index.js";
import {
  ANSWER_STATES,
  type AnswerState,
  type Campaign,
  type ExtraAccounts,
  personState,
  type StateCounts,
  type Store,
} from "../store/index.js";
import { ESCALATION_ACTION } from "./escalation.js";
import { type AudienceProgress, audienceLine, audienceProgress } from "./follow-progress.js";
import type { Rendered } from "./messages.js";

export const STATE_LABELS: Record<AnswerState, string> = {
  done: "opted out",
  not_affected: "not affected (plan)",
  not_using: "not using",
  snoozed: "snoozed",
  pending: "no answer",
  unreachable: "unreachable",
};

export interface CampaignProgress {
  campaign: Campaign;
  providerName: string;
  /** People per state: a person with several accounts counts once (`personState`). */
  counts: StateCounts;
  total: number;
  extraAccounts?: ExtraAccounts;
  /** Slack user IDs per state (each person once) — only filled for the lead. */
  names?: Record<AnswerState, string[]>;
  /** The viewer leads this campaign: `status` offers the CSV evidence export. */
  exportable?: boolean;
  /** For a campaign that follows channels or groups: who joined since the start, who left. */
  audience?: AudienceProgress;
}

export async function campaignProgress(
  store: Store,
  catalog: Catalog,
  campaign: Campaign,
  withNames: boolean,
): Promise<CampaignProgress> {
  const counts = await store.reminders.counts(campaign.id);
  const total = ANSWER_STATES.reduce((n, s) => n + counts[s], 0);
  const audience = await audienceProgress(store, campaign.id);
  const progress: CampaignProgress = {
    campaign,
    providerName: catalog.byId(campaign.providerId)?.name ?? campaign.providerId,
    counts,
    total,
    ...(audience ? { audience } : {}),
    extraAccounts: await store.reminders.extraAccounts(campaign.id),
  };
  if (withNames) {
    const names = Object.fromEntries(ANSWER_STATES.map((s) => [s, [] as string[]])) as Record<
      AnswerState,
      string[]
    >;
    const byPerson = new Map<string, AnswerState[]>();
    for (const s of await store.reminders.statesForCampaign(campaign.id))
      byPerson.set(s.userId, [...(byPerson.get(s.userId) ?? []), s.state]);
    for (const [userId, states] of byPerson) names[personState(states)].push(userId);
    progress.names = names;
  }
  return progress;
}

/** "▓▓▓▓░░░░░░ 40% answered" — opted out, not affected (plan) and not using count as answered. */
export function progressBar(p: Pick<CampaignProgress, "counts" | "total">, width = 10): string {
  const answered = p.counts.done + p.counts.not_affected + p.counts.not_using;
  const ratio = p.total ? answered / p.total : 0;
  const filled = Math.round(ratio * width);
  return `${"▓".repeat(filled)}${"░".repeat(width - filled)} ${Math.round(ratio * 100)}% answered`;
}

export const countsLine = (c: StateCounts): string =>
  ANSWER_STATES.map((s) => `${STATE_LABELS[s]}: *${c[s]}*`).join(" · ");

/** "2 people answered for more than one account (3 more accounts)", or nothing. */
export const accountsLine = (e: ExtraAccounts | undefined): string =>
  e?.people
    ? `\n_${e.people} ${e.people === 1 ? "person" : "people"} answered for more than one account (${e.accounts} more ${e.accounts === 1 ? "account" : "accounts"}); each person is counted once, in the state of their least finished account._`
    : "";

export function campaignTitle(p: CampaignProgress): string {
  const c = p.campaign;
  const deadline = c.deadline ? ` · deadline ${formatDate(c.deadline)}` : "";
  const status = c.status === "closed" ? " · closed" : "";
  return `*${escapeMrkdwn(p.providerName)}* (campaign ${c.id}, ${p.total} people${deadline}${status})`;
}

/** At most this many mentions per state in a reply; the CSV export has everyone. */
export const NAMES_PER_STATE = 12;

function namesLines(names: Record<AnswerState, string[]>): string {
  return ANSWER_STATES.filter((s) => names[s].length)
    .map((s) => {
      const shown = names[s].slice(0, NAMES_PER_STATE).map((id) => `<@${id}>`);
      const more = names[s].length > NAMES_PER_STATE ? ` and ${names[s].length - NAMES_PER_STATE} more` : "";
      return `_${STATE_LABELS[s]}:_ ${shown.join(" ")}${more}`;
    })
    .join("\n");
}

export const MAX_STATUS_CAMPAIGNS = 8;

/**
 * `/ai-privacy status`: counts per campaign, and names for the items that carry them (the campaign's own
 * lead, or an admin's audited override), always ephemeral.
 */
export function renderStatus(
  items: CampaignProgress[],
  options: { override?: boolean; total?: number } = {},
): Rendered {
  if (!items.length) {
    return {
      text: "No reminder campaigns",
      blocks: [section("No reminder campaigns yet. Leads start one with `/ai-privacy remind`.")],
    };
  }
  const blocks: KnownBlock[] = [header("Opt-out reminders: progress")];
  const namesBlocks: number[] = [];
  const shown = items.slice(0, MAX_STATUS_CAMPAIGNS);
  for (const p of shown) {
    const exportButton = p.exportable
      ? button("Export CSV", ESCALATION_ACTION.export, { value: String(p.campaign.id) })
      : undefined;
    blocks.push(
      section(
        `${campaignTitle(p)}\n${progressBar(p)}\n${countsLine(p.counts)}${audienceLine(p.audience)}${accountsLine(p.extraAccounts)}`,
        exportButton,
      ),
    );
    if (p.names) {
      const lines = namesLines(p.names);
      if (lines) namesBlocks.unshift(blocks.push(section(lines)) - 1);
    }
  }
  const total = Math.max(options.total ?? items.length, items.length);
  if (total > shown.length) blocks.push(context(`…and ${total - shown.length} more campaigns.`));
  blocks.push(
    context(
      options.override
        ? "Only you can see these names. You asked for names in campaigns you don't lead: that is recorded in the audit log."
        : shown.some((p) => p.names)
          ? "Only you can see these names, and only in your own campaigns. *Export CSV* puts everyone's answers, with when and how, in our DM."
          : "Totals only: each campaign's lead sees who answered what.",
    ),
  );
  const message = { text: "Opt-out reminders: progress", blocks: fitBlocks(blocks, namesBlocks) };
  assertMessageFits(message);
  return message;
}

/** The lead's weekly digest (or the closing summary) — totals only, delivered to the lead's DM. */
export function renderDigest(p: CampaignProgress, kind: "weekly" | "closing"): Rendered {
  const head =
    kind === "closing"
      ? `:checkered_flag: The ${escapeMrkdwn(p.providerName)} reminder campaign is closed.`
      : `:bar_chart: Weekly progress of your ${escapeMrkdwn(p.providerName)} reminders.`;
  const blocks: KnownBlock[] = [
    section(`${head}\n${campaignTitle(p)}\n${progressBar(p)}\n${countsLine(p.counts)}`),
    context("`/ai-privacy status` shows who answered what (only to you)."),
  ];
  const message = {
    text:
      kind === "closing"
        ? `${p.providerName} campaign closed`
        : `${p.providerName} reminders: weekly progress`,
    blocks,
  };
  assertMessageFits(message);
  return message;
}
