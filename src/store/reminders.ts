/** Reminder campaigns and per-person answers. Slack IDs, states and times only — never message contents. */

/** The anonymous marker that replaces a forgotten person's ID (audit log, campaigns they led, delivered messages). */
export { FORGOTTEN_ACTOR } from "./forgotten.js";

/**
 * `unreachable`: Slack said the person no longer exists (deactivated or deleted after the campaign started);
 * nothing more is sent to them (reminders/unreachable.ts). `not_affected`: the person chose a plan the
 * catalog lists as excluded from training (a work or enterprise tier), so there is nothing to switch off.
 */
export type AnswerState = "pending" | "done" | "snoozed" | "not_using" | "unreachable" | "not_affected";
export const ANSWER_STATES: readonly AnswerState[] = [
  "done",
  "not_affected",
  "not_using",
  "snoozed",
  "pending",
  "unreachable",
];

/**
 * A person with several accounts (reminders/accounts.ts) is counted once, in the state of their least
 * finished account: any account still waiting makes the person "no answer" (or snoozed, or unreachable);
 * once every account is answered, having opted out of one counts before "not affected" and "not using".
 */
export const PERSON_STATE_PRECEDENCE: readonly AnswerState[] = [
  "pending",
  "snoozed",
  "unreachable",
  "done",
  "not_affected",
  "not_using",
];

/** The one state a person is counted in, from the states of all their accounts in one campaign. */
export function personState(states: readonly AnswerState[]): AnswerState {
  let best = PERSON_STATE_PRECEDENCE.length - 1;
  for (const s of states) best = Math.min(best, PERSON_STATE_PRECEDENCE.indexOf(s));
  return PERSON_STATE_PRECEDENCE[best] ?? "pending";
}

/** Accounts one person may list for one provider in one campaign ("I have another account"). */
export const MAX_ACCOUNTS = 5;

export type CampaignStatus = "open" | "closed";

/** One provider asked of one audience by one lead. A `/remind` naming two providers makes two campaigns. */
export interface Campaign {
  id: number;
  teamId: string;
  leadId: string;
  /** Where the lead ran the command. */
  channelId: string;
  providerId: string;
  /** YYYY-MM-DD, or null when neither the lead nor the catalog gave one. */
  deadline: string | null;
  /** Whether people who opted out are asked to re-check after a change (the lead can turn it off). */
  recheck: boolean;
  status: CampaignStatus;
  createdAt: Date;
  closedAt: Date | null;
  lastDigestAt: Date | null;
}

export interface NewCampaign {
  teamId: string;
  leadId: string;
  channelId: string;
  providerId: string;
  deadline: string | null;
  now: Date;
}

export interface ReminderState {
  id: number;
  campaignId: number;
  teamId: string;
  userId: string;
  providerId: string;
  state: AnswerState;
  /** Which of the person's accounts this is: 1, or 2…MAX_ACCOUNTS after "I have another account". */
  account: number;
  /** The plan (a `tiers.covered` or `tiers.excluded` name of the catalog) the person said they use, if any. */
  plan: string | null;
  /** The person's IANA zone from users.info when asked (null: use DEFAULT_TIMEZONE). */
  tz: string | null;
  /** When the next reminder is due (null: nothing planned). */
  nextAt: Date | null;
  snoozedUntil: Date | null;
  /** Reminders enqueued so far (also the sequence number in their idempotency keys). */
  sends: number;
  lastSentAt: Date | null;
  answeredAt: Date | null;
  updatedAt: Date;
}

export interface NewReminderState {
  userId: string;
  tz: string | null;
  nextAt: Date;
}

/** The fields a transition may change. */
export type StatePatch = Partial<
  Pick<ReminderState, "state" | "plan" | "nextAt" | "snoozedUntil" | "sends" | "lastSentAt" | "answeredAt">
>;

/** People in a campaign who listed more than one account, and how many accounts beyond their first. */
export interface ExtraAccounts {
  people: number;
  accounts: number;
}

export type StateCounts = Record<AnswerState, number>;

export interface UserTool {
  teamId: string;
  userId: string;
  providerId: string;
  addedAt: Date;
}

export interface ForgetResult {
  states: number;
  tools: number;
  campaignsAnonymised: number;
  outboxScrubbed: number;
  subscriptionsAnonymised: number;
}

export interface ReminderRepository {
  createCampaign(input: NewCampaign): Promise<Campaign>;
  getCampaign(id: number): Promise<Campaign | undefined>;
  listCampaigns(filter: {
    teamId?: string;
    status?: CampaignStatus;
    leadId?: string;
    providerId?: string;
  }): Promise<Campaign[]>;
  closeCampaign(id: number, now: Date): Promise<boolean>;
  setRecheck(id: number, on: boolean): Promise<void>;
  markDigest(id: number, now: Date): Promise<void>;
  /** Adds people to a campaign (skipping anyone already in it). Returns how many were added. */
  addPeople(campaignId: number, people: readonly NewReminderState[], now: Date): Promise<number>;
  /** People with a state in an open campaign of the team about this provider. */
  askedInOpenCampaigns(teamId: string, providerId: string): Promise<Set<string>>;
  getState(id: number): Promise<ReminderState | undefined>;
  statesForCampaign(campaignId: number): Promise<ReminderState[]>;
  /** The person's states in this workspace's campaigns. */
  statesForUser(teamId: string, userId: string): Promise<ReminderState[]>;
  /** Unanswered states of open campaigns whose next reminder is due, oldest first. */
  due(now: Date, limit: number, campaignId?: number): Promise<ReminderState[]>;
  /** Applies the patch only if the state is still `from` (compare-and-set). Returns whether it changed. */
  transition(id: number, from: AnswerState, patch: StatePatch, now: Date): Promise<boolean>;
  /**
   * Compare-and-set on the state and the plan together: a covered plan leaves the state as it is, so the
   * state alone cannot tell a second click (or a different plan chosen meanwhile) from the first.
   */
  transitionPlan(
    id: number,
    from: { state: AnswerState; plan: string | null },
    patch: StatePatch,
    now: Date,
  ): Promise<boolean>;
  /** Every account of one person in one campaign, first account first. */
  accountsOf(campaignId: number, userId: string): Promise<ReminderState[]>;
  /**
   * Adds account number `account` for the person of an existing state (same campaign, team, provider and
   * zone). Undefined when that number exists already: a double click adds nothing.
   */
  addAccount(
    of: Pick<ReminderState, "campaignId" | "userId" | "tz">,
    account: number,
    nextAt: Date | null,
    now: Date,
  ): Promise<ReminderState | undefined>;
  /** `transition` of many states with one patch, in as few statements as the database takes: the ids changed. */
  transitionMany(
    ids: readonly number[],
    from: AnswerState,
    patch: StatePatch,
    now: Date,
  ): Promise<Set<number>>;
  /**
   * Counts by person (one each, in `personState` of their accounts), including the anonymous counts kept
   * for people who asked to be forgotten.
   */
  counts(campaignId: number): Promise<StateCounts>;
  extraAccounts(campaignId: number): Promise<ExtraAccounts>;
  tools(teamId: string, userId: string): Promise<UserTool[]>;
  setTools(teamId: string, userId: string, providerIds: readonly string[], now: Date): Promise<void>;
  /**
   * Deletes every row about the person in this workspace (answers become anonymous counts) and scrubs
   * their ID from its other rows. Other workspaces of an Enterprise Grid organisation, where the same
   * user ID appears, are not touched: forget-me is asked, and answered, per workspace.
   */
  forgetPerson(teamId: string, userId: string, now: Date): Promise<ForgetResult>;
  /** Deletes campaigns closed before the cutoff, with their states and counts. */
  purgeClosedBefore(cutoff: Date): Promise<number>;
}
