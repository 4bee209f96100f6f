import type { Campaign, ReminderState } from "../../src/store/index.js";

/** Plain reminder data for the pure tests: one open campaign and one person's pending state in it. */
export const now = new Date("2026-12-01T10:00:00Z");
export const campaign: Campaign = {
  id: 7,
  teamId: "T1",
  leadId: "ULEAD",
  channelId: "C1",
  providerId: "claude",
  deadline: "2026-12-31",
  recheck: true,
  status: "open",
  createdAt: now,
  closedAt: null,
  lastDigestAt: null,
};
export const state = (over: Partial<ReminderState> = {}): ReminderState => ({
  id: 42,
  campaignId: 7,
  teamId: "T1",
  userId: "U1",
  providerId: "claude",
  state: "pending",
  account: 1,
  plan: null,
  tz: "Europe/Berlin",
  nextAt: null,
  snoozedUntil: null,
  sends: 1,
  lastSentAt: now,
  answeredAt: null,
  updatedAt: now,
  ...over,
});
