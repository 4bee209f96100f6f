/**
 * The channels and user groups a reminder campaign follows, and who is in them. Slack IDs, states and
 * times only. A person is "left" in a campaign when every source row about them says `left`.
 */

export type AudienceKind = "channel" | "usergroup";

/** Whether a person is in a followed channel or user group now (as of `seenUs`). */
export type MembershipStatus = "member" | "left";

export interface AudienceSource {
  campaignId: number;
  teamId: string;
  kind: AudienceKind;
  sourceId: string;
  /** Newcomers to the source are asked too (the lead can turn it off per campaign). */
  autoEnrol: boolean;
}

export interface Membership {
  campaignId: number;
  teamId: string;
  userId: string;
  sourceId: string;
  status: MembershipStatus;
  /** When Slack said so (the event's `event_ts`, or the re-read's time), microseconds since the epoch. */
  seenUs: number;
  /** Set when the person was enrolled after the campaign started. */
  joinedAt: Date | null;
}

export interface MembershipChange {
  userId: string;
  status: MembershipStatus;
  seenUs: number;
}

export interface AudienceCounts {
  /** People enrolled after the start because they joined a followed source. */
  joined: number;
  /** People with a reminder state who are no longer in any followed source (no more reminders). */
  left: number;
}

export interface AudienceRepository {
  addSources(sources: readonly Omit<AudienceSource, "autoEnrol">[], autoEnrol: boolean): Promise<void>;
  sources(campaignId: number): Promise<AudienceSource[]>;
  /** Sources of open campaigns: every team, or one team's sources of one channel or group. */
  openSources(filter?: { teamId: string; kind: AudienceKind; sourceId: string }): Promise<AudienceSource[]>;
  setAutoEnrol(campaignId: number, on: boolean): Promise<void>;
  /** The rows of one campaign's source, by user ID. */
  members(campaignId: number, sourceId: string): Promise<Map<string, Membership>>;
  /**
   * Applies each change unless the row already holds a fact at least as new (`seenUs`): retries and older
   * events change nothing. Returns the user IDs whose row changed.
   */
  record(
    campaignId: number,
    teamId: string,
    sourceId: string,
    changes: readonly MembershipChange[],
  ): Promise<string[]>;
  /** Whether any source row of the campaign still counts the person as a member (undefined: no rows). */
  isMember(campaignId: number, userId: string): Promise<boolean | undefined>;
  markJoined(campaignId: number, userId: string, at: Date): Promise<void>;
  counts(campaignId: number): Promise<AudienceCounts>;
  /** Every row about the person (my-data), one workspace. */
  forUser(teamId: string, userId: string): Promise<Membership[]>;
  /** forget-me: deletes every row about the person in this workspace. Returns how many. */
  forgetPerson(teamId: string, userId: string): Promise<number>;
}
