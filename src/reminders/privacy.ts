import type { KnownBlock } from "@slack/types";
import {
  actions,
  assertMessageFits,
  button,
  context,
  escapeMrkdwn,
  header,
  section,
  truncate,
} from "../blocks/index.js";
import type { Catalog } from "../catalog/index.js";
import { cancelMessagesTo, messagesForPerson } from "../outbox/index.js";
import {
  type AuditEntry,
  type Campaign,
  FORGOTTEN_ACTOR,
  type ForgetResult,
  type Membership,
  type OutboxRow,
  type ReminderState,
  type Store,
  type Subscription,
  type UserTool,
} from "../store/index.js";
import { MENTIONED } from "./follow.js";
import { ACTION, type Rendered } from "./messages.js";
import { STATE_LABELS } from "./progress.js";

export interface MyData {
  states: ReminderState[];
  tools: UserTool[];
  campaignsLed: Campaign[];
  audit: AuditEntry[];
  subscriptionsCreated: Subscription[];
  outbox: OutboxRow[];
  /** Channels and groups followed by campaigns, and whether the person is still in them. */
  memberships: Membership[];
}

/**
 * Only this workspace's rows: an Enterprise Grid user ID is the same in every workspace of the organisation,
 * and my-data in one workspace must not show what another workspace holds.
 */
export async function collectMyData(store: Store, teamId: string, userId: string): Promise<MyData> {
  const [states, tools, campaignsLed, audit, subscriptions, outbox, memberships] = await Promise.all([
    store.reminders.statesForUser(teamId, userId),
    store.reminders.tools(teamId, userId),
    store.reminders.listCampaigns({ teamId, leadId: userId }),
    store.audit.forActor(teamId, userId),
    store.subscriptions.listAll(),
    messagesForPerson(store, teamId, userId),
    store.audiences.forUser(teamId, userId),
  ]);
  return {
    states,
    tools,
    campaignsLed,
    audit,
    subscriptionsCreated: subscriptions.filter((s) => s.teamId === teamId && s.createdBy === userId),
    outbox,
    memberships,
  };
}

/** "#team: left (no more reminders)" — the pseudo-source for a mention reads as such. */
function membershipLine(m: Membership): string {
  const where =
    m.sourceId === MENTIONED
      ? "mentioned by name"
      : m.sourceId.startsWith("S")
        ? `<!subteam^${m.sourceId}>`
        : `<#${m.sourceId}>`;
  const status = m.status === "left" ? "left (no more reminders)" : "member";
  const joined = m.joinedAt ? `; asked when you joined, ${when(m.joinedAt)}` : "";
  return `• campaign ${m.campaignId}, ${where}: ${status}${joined}`;
}

const when = (d: Date | null): string => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "—");
const LINES = 12;
/** Seven lists of at most this many characters keep the reply under Slack's ~12k-character block budget. */
const SECTION_CHARS = 1400;

function listSection(title: string, lines: string[]): KnownBlock {
  const shown = lines.slice(0, LINES).map((l) => truncate(l, 200));
  const more = lines.length > LINES ? `\n…and ${lines.length - LINES} more` : "";
  const body = shown.length ? truncate(shown.join("\n"), SECTION_CHARS) : "_none_";
  return section(`*${title}* (${lines.length})\n${body}${more}`);
}

/** Everything stored about the person, grouped by table, times in UTC. */
export function renderMyData(data: MyData, catalog: Catalog): Rendered {
  const name = (id: string) => escapeMrkdwn(catalog.byId(id)?.name ?? id);
  const blocks: KnownBlock[] = [
    header("What I store about you"),
    section(
      "Slack IDs, answers and times only: never the contents of your messages. `/ai-privacy forget-me` deletes it.",
    ),
    listSection(
      "Reminder answers",
      data.states.map(
        (s) =>
          `• ${name(s.providerId)} (campaign ${s.campaignId}${s.account > 1 ? `, account ${s.account}` : ""}): ${STATE_LABELS[s.state]}${s.plan ? `; plan ${escapeMrkdwn(s.plan)}` : ""}; reminders sent ${s.sends}; last ${when(s.lastSentAt)}; answered ${when(s.answeredAt)}; next ${when(s.nextAt)}; time zone ${s.tz ?? "default"}`,
      ),
    ),
    listSection(
      "Tools you said you use",
      data.tools.map((t) => `• ${name(t.providerId)} (since ${when(t.addedAt)})`),
    ),
    listSection(
      "Campaigns you started",
      data.campaignsLed.map(
        (c) => `• ${c.id}: ${name(c.providerId)}, ${c.status}, started ${when(c.createdAt)}`,
      ),
    ),
    listSection(
      "Subscriptions you created",
      data.subscriptionsCreated.map(
        (s) =>
          `• <#${s.channelId}>: ${escapeMrkdwn(s.providerId)} (${s.kinds.join(", ")}), ${when(s.createdAt)}`,
      ),
    ),
    listSection(
      "Audit log entries",
      data.audit.map(
        (a) => `• ${when(a.at)} ${escapeMrkdwn(a.action)} ${escapeMrkdwn(JSON.stringify(a.detail))}`,
      ),
    ),
    listSection("Channels and groups campaigns follow", data.memberships.map(membershipLine)),
    listSection(
      "Messages to you in my outbox",
      data.outbox.map((o) => `• ${when(o.createdAt)} ${escapeMrkdwn(o.kind)}: ${o.status}`),
    ),
  ];
  const message = { text: "What I store about you", blocks };
  assertMessageFits(message);
  return message;
}

export function renderForgetConfirm(userId: string): Rendered {
  return {
    text: "Delete everything I store about you?",
    blocks: [
      section(
        ":warning: *Delete everything I store about you?*\nYour reminder answers, the tools you use and messages waiting for you are deleted; audit entries and campaigns you started keep only an anonymous marker. Campaign totals keep your answer as an anonymous count.",
      ),
      actions(
        "rem:forget",
        button("Delete my data", ACTION.forgetConfirm, { value: userId, style: "danger" }),
        button("Cancel", ACTION.forgetCancel, { value: userId }),
      ),
    ],
  };
}

export interface ForgetSummary extends ForgetResult {
  /** Rows saying which followed channels and groups the person was in. */
  memberships: number;
  outboxCancelled: number;
  auditAnonymised: number;
}

/**
 * forget-me, in one transaction: nothing about the person is left in this workspace but anonymous counts
 * and markers. Per workspace even for an org-wide install: an Enterprise Grid user ID is shared by every
 * workspace of the organisation, and what a person asks in one workspace does not reach into another's data.
 */
export function forgetMe(
  store: Store,
  input: { teamId: string; userId: string; now: Date },
): Promise<ForgetSummary> {
  return store.transaction(async (tx) => {
    const outboxCancelled = await cancelMessagesTo(tx, input.teamId, input.userId, input.now);
    const result = await tx.reminders.forgetPerson(input.teamId, input.userId, input.now);
    const memberships = await tx.audiences.forgetPerson(input.teamId, input.userId);
    const auditAnonymised = await tx.audit.anonymiseActor(input.teamId, input.userId);
    const summary = { ...result, memberships, outboxCancelled, auditAnonymised };
    await tx.audit.record({
      at: input.now,
      teamId: input.teamId,
      actorId: FORGOTTEN_ACTOR,
      action: "reminders.forget-me",
      detail: summary,
    });
    return summary;
  });
}

export function renderForgotten(summary: ForgetSummary): Rendered {
  const line = `:wastebasket: Done. I deleted ${summary.states} reminder answer(s) and ${summary.tools} tool(s), forgot ${summary.memberships} channel or group membership(s), cancelled ${summary.outboxCancelled} pending message(s), and anonymised ${summary.auditAnonymised + summary.outboxScrubbed + summary.campaignsAnonymised + summary.subscriptionsAnonymised} other record(s).`;
  return {
    text: "Your data is deleted",
    blocks: [section(line), context("Campaign totals keep your answers only as anonymous counts.")],
  };
}
