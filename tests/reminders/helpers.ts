import { createDeliverer, createDeliveryClient } from "../../src/outbox/index.js";
import type { AnswerState, ReminderState } from "../../src/store/index.js";
import { startTestBot, TEST_SIGNING_SECRET, type TestBot, type TestBotOptions } from "../support/bot.js";
import { postSigned } from "../support/signing.js";

export const LEAD = "U0LEAD";
export const TOKYO = "U0TOKYO";
export const NEW_YORK = "U0NEWYORK";
export const BERLIN = "U0BERLIN";
export const TEAM_CHANNEL = "C0TEAM";
export const DESIGN_GROUP = "S0DESIGN";
/** Tuesday 1 Dec 2026, 08:45 UTC: 09:45 in Berlin (working hours), 17:45 in Tokyo and 03:45 in New York (not). */
export const START = "2026-12-01T08:45:00Z";

/** A settable clock for the bot under test. */
export function clock(start: string) {
  let current = new Date(start);
  return {
    now: () => current,
    set(iso: string) {
      current = new Date(iso);
    },
  };
}

/** The real app against the fake Slack, with a lead, three people in three zones, a bot and a leaver. */
export async function startReminderBot(
  now: () => Date,
  env: Record<string, string> = {},
  options: Omit<TestBotOptions, "now" | "env"> = {},
): Promise<TestBot> {
  const bot = await startTestBot({ ...options, now, env });
  const { fake } = bot;
  fake.addUser({ id: LEAD, tz: "Europe/London", is_admin: true });
  fake.addUser({ id: TOKYO, tz: "Asia/Tokyo" });
  fake.addUser({ id: NEW_YORK, tz: "America/New_York" });
  fake.addUser({ id: BERLIN, tz: "Europe/Berlin" });
  fake.addUser({ id: "U0ROBOT", is_bot: true });
  fake.addUser({ id: "U0LEAVER", deleted: true });
  fake.channelMembers.set(TEAM_CHANNEL, [TOKYO, NEW_YORK, "U0ROBOT", "U0LEAVER"]);
  fake.usergroupMembers.set(DESIGN_GROUP, [NEW_YORK, BERLIN]);
  return bot;
}

export const REMIND_ALL = `remind <#${TEAM_CHANNEL}|team> <!subteam^${DESIGN_GROUP}|@design> claude chatgpt by 2026-12-31`;

export async function stateOf(bot: TestBot, userId: string, providerId = "claude"): Promise<ReminderState> {
  const state = (await bot.deps.store.reminders.statesForUser("T0FAKE", userId)).find(
    (s) => s.providerId === providerId,
  );
  if (!state) throw new Error(`no ${providerId} state for ${userId}`);
  return state;
}

export const currentState = async (bot: TestBot, id: number): Promise<AnswerState | undefined> =>
  (await bot.deps.store.reminders.getState(id))?.state;

/** Clicks a reminder button as `userId` in their DM and returns what the app answered at response_url. */
export async function clickReminder(bot: TestBot, actionId: string, value: string, userId: string) {
  const { responseUrl } = await bot.click({ actionId, value, userId, channelId: `D${userId}` });
  return bot.responsesTo(responseUrl);
}

/** Delivers the outbox to the fake Slack with the issue-3 deliverer. */
export async function deliver(bot: TestBot): Promise<void> {
  const deliverer = createDeliverer({
    store: bot.deps.store,
    now: bot.deps.now,
    client: createDeliveryClient("xoxb-test-token", bot.fake.apiUrl),
    logger: bot.deps.logger,
    pacing: { channel: { perSecond: 1000, burst: 1000 }, workspace: { perSecond: 1000, burst: 1000 } },
    lingerMs: 0,
  });
  await deliverer.drain();
  await deliverer.stop();
}

/** Button values by action_id found in a message's blocks. */
export function buttonsIn(blocks: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of (blocks ?? []) as unknown[] as {
    elements?: { action_id?: string; value?: string }[];
    accessory?: { action_id?: string; value?: string };
  }[]) {
    for (const el of [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])]) {
      if (el.action_id) out.set(el.action_id, el.value ?? "");
    }
  }
  return out;
}

/** Slack's app_home_opened event, signed as an Events API request. */
export async function openHome(bot: TestBot, userId: string): Promise<unknown> {
  const body = JSON.stringify({
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    api_app_id: "A0APP",
    type: "event_callback",
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: "app_home_opened",
      user: userId,
      channel: `D${userId}`,
      tab: "home",
      event_ts: "1700000000.000100",
    },
  });
  const res = await postSigned(bot.url, body, {
    secret: TEST_SIGNING_SECRET,
    headers: { "content-type": "application/json" },
  });
  if (res.status !== 200) throw new Error(`app_home_opened answered ${res.status}`);
  return bot.fake.homeViews.get(userId);
}

/** A multi_static_select change in the App Home ("Tools I use"). */
export async function chooseTools(bot: TestBot, userId: string, providerIds: string[]): Promise<void> {
  const payload = {
    type: "block_actions",
    user: { id: userId, username: userId.toLowerCase(), team_id: "T0FAKE" },
    api_app_id: "A0APP",
    token: "legacy-verification-token",
    container: { type: "view", view_id: "V0HOME" },
    trigger_id: "1337.42.abcdef",
    team: { id: "T0FAKE", domain: "fake" },
    view: { id: "V0HOME", type: "home" },
    actions: [
      {
        type: "multi_static_select",
        action_id: "rem_tools",
        block_id: "tools",
        selected_options: providerIds.map((id) => ({ text: { type: "plain_text", text: id }, value: id })),
        action_ts: "1700000000.000200",
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await postSigned(bot.url, body, { secret: TEST_SIGNING_SECRET });
  if (res.status !== 200) throw new Error(`rem_tools answered ${res.status}`);
}

export const blockText = (blocks: unknown): string => JSON.stringify(blocks ?? []);

/** A block_suggestion request (the "Tools I use" search) and the options the app answers with. */
export async function searchTools(bot: TestBot, userId: string, value: string): Promise<{ value: string }[]> {
  const payload = {
    type: "block_suggestion",
    user: { id: userId, username: userId.toLowerCase(), team_id: "T0FAKE" },
    container: { type: "view", view_id: "V0HOME" },
    api_app_id: "A0APP",
    token: "legacy-verification-token",
    action_id: "rem_tools",
    block_id: "tools",
    value,
    team: { id: "T0FAKE", domain: "fake" },
    view: { id: "V0HOME", type: "home" },
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await postSigned(bot.url, body, { secret: TEST_SIGNING_SECRET });
  return ((await res.json()) as { options: { value: string }[] }).options;
}

/** Slack's `event_ts` for an instant: seconds with six decimals, as member events carry it. */
export const eventTs = (iso: string, micros = 0): string =>
  `${Math.floor(new Date(iso).getTime() / 1000)}.${String(micros).padStart(6, "0")}`;

/** member_joined_channel / member_left_channel, delivered by the fake Slack as a signed Events API call. */
export async function memberEvent(
  bot: TestBot,
  input: {
    joined: boolean;
    userId: string;
    channelId: string;
    ts: string;
    teamId?: string;
    eventId?: string;
    retryNum?: number;
  },
): Promise<void> {
  const teamId = input.teamId ?? "T0FAKE";
  const status = await bot.fake.deliverEvent({
    url: bot.url,
    secret: TEST_SIGNING_SECRET,
    teamId,
    ...(input.eventId ? { eventId: input.eventId } : {}),
    ...(input.retryNum ? { retryNum: input.retryNum } : {}),
    eventTime: Math.floor(Number(input.ts)),
    event: {
      type: input.joined ? "member_joined_channel" : "member_left_channel",
      user: input.userId,
      channel: input.channelId,
      channel_type: "C",
      team: teamId,
      event_ts: input.ts,
    },
  });
  if (status !== 200) throw new Error(`member event answered ${status}`);
}
