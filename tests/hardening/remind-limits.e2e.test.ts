import { afterEach, describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/limits.js";
import { parseCommand } from "../../src/commands/index.js";
import {
  BERLIN,
  clock,
  LEAD,
  REMIND_ALL,
  START,
  startReminderBot,
  TEAM_CHANNEL,
} from "../reminders/helpers.js";
import type { TestBot } from "../support/bot.js";

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const mention = (i: number) => `<@U${String(i).padStart(9, "0")}|person${i}>`;

describe("remind reads everything it was given, within Slack's limits (issue 8, item 19)", () => {
  it("reads 300 mentions (far past 2,000 characters) and the provider after them, and says so", async () => {
    const b = await startReminderBot(clock(START).now);
    bot = b;
    for (let i = 0; i < 300; i += 1)
      b.fake.addUser({ id: `U${String(i).padStart(9, "0")}`, tz: "Europe/Berlin" });
    const text = `remind ${Array.from({ length: 300 }, (_, i) => mention(i)).join(" ")} ${mention(0)} claude`;
    expect(text.length).toBeGreaterThan(7000);
    const reply = await b.command(text, { user_id: LEAD });
    const body = JSON.stringify(reply.body?.blocks);
    expect(body).toContain("Asked 300 people about Claude");
    expect(body).toContain("Read 301 mentions: 300 people (1 repeated one ignored).");
    expect(checkMessage({ text: String(reply.body?.text), blocks: reply.body?.blocks as unknown[] })).toEqual(
      [],
    );
  });

  it("150 unknown words produce one answer inside the limits, listing 10 and counting the rest", async () => {
    const b = await startReminderBot(clock(START).now);
    bot = b;
    const words = Array.from({ length: 150 }, (_, i) => `zzqx${i}word`).join(" ");
    const reply = await b.command(`remind <@${BERLIN}|berlin> ${words}`, { user_id: LEAD });
    const blocks = reply.body?.blocks as unknown[];
    expect(checkMessage({ text: String(reply.body?.text), blocks })).toEqual([]);
    const body = JSON.stringify(blocks);
    expect(body).toContain("I don't know “zzqx0word”");
    expect(body).not.toContain("“zzqx10word”");
    expect(body).toContain("…and 140 more words I couldn't match to a provider.");
    expect(body).toContain("Nobody was asked.");
    expect(await b.deps.store.reminders.listCampaigns({})).toEqual([]);
  });

  it("text beyond what remind reads is refused with its length, never cut silently", async () => {
    const text = `remind ${Array.from({ length: 600 }, (_, i) => mention(i)).join(" ")} claude`;
    const command = parseCommand(text);
    expect(command.type).toBe("invalid");
    expect(command.type === "invalid" && command.problem).toMatch(
      /^That's [\d,]+ characters; I read at most 12,000/,
    );
  });
});

describe("the lead hears about working-hours waits (issue 8, item 20)", () => {
  it("says how many people will get the reminder at 09:30 their time", async () => {
    const b = await startReminderBot(clock(START).now);
    bot = b;
    // 08:45 UTC: Berlin is at work; Tokyo (17:45) and New York (03:45) are not.
    const reply = await b.command(REMIND_ALL, { user_id: LEAD, channel_id: TEAM_CHANNEL });
    expect(reply.body?.text).toContain(
      "Asked 3 people about Claude and ChatGPT; 2 will get it at 09:30 their time, when their working day starts",
    );
  });
});
