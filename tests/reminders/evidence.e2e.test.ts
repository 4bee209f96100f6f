import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";
import { ACTION, ESCALATION_ACTION } from "../../src/reminders/index.js";
import type { TestBot } from "../support/bot.js";
import {
  BERLIN,
  blockText,
  buttonsIn,
  clickReminder,
  clock,
  LEAD,
  NEW_YORK,
  START,
  startReminderBot,
  stateOf,
  TEAM_CHANNEL,
  TOKYO,
} from "./helpers.js";

let bot: TestBot;
afterEach(async () => bot?.stop());

const OTHER_ADMIN = "U0ADMIN";

async function campaign(databasePath?: string) {
  const time = clock(START);
  bot = await startReminderBot(time.now, {}, databasePath ? { databasePath } : {});
  bot.fake.addUser({ id: OTHER_ADMIN, tz: "UTC", is_admin: true });
  bot.fake.channelMembers.set(TEAM_CHANNEL, [TOKYO, NEW_YORK, BERLIN]);
  await bot.command(`remind <#${TEAM_CHANNEL}|team> claude by 2026-12-18`, {
    user_id: LEAD,
    channel_id: TEAM_CHANNEL,
  });
  // Berlin opts out, undoes it, then opts out again from App Home; New York is not using it.
  const berlin = String((await stateOf(bot, BERLIN)).id);
  await clickReminder(bot, ACTION.done, berlin, BERLIN);
  time.set("2026-12-01T09:00:00Z");
  await clickReminder(bot, ACTION.undo, `${berlin}:done`, BERLIN);
  time.set("2026-12-01T09:05:00Z");
  await bot.click({ actionId: ACTION.done, value: berlin, userId: BERLIN, containerType: "view" });
  await clickReminder(bot, ACTION.notUsing, String((await stateOf(bot, NEW_YORK)).id), NEW_YORK);
  return { time, campaignId: (await stateOf(bot, BERLIN)).campaignId };
}

async function press(campaignId: number, userId: string) {
  const { responseUrl } = await bot.click({
    actionId: ESCALATION_ACTION.export,
    value: String(campaignId),
    userId,
    channelId: `D${userId}`,
  });
  return blockText(bot.responsesTo(responseUrl).at(-1)?.blocks);
}

/** RFC 4180 records back into fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    i += 1;
    if (quoted && c === '"' && next === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ",") {
      row.push(field);
      field = "";
    } else if (!quoted && c === "\r" && next === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 1;
    } else field += c;
  }
  return rows;
}

describe("evidence export: CSV in the lead's DM with files.uploadV2", () => {
  it("status offers Export to the campaign's lead only; the upload speaks Slack's three-step flow", async () => {
    const { campaignId } = await campaign();
    const status = await bot.command("status", { user_id: LEAD });
    expect(buttonsIn(status.body?.blocks).get(ESCALATION_ACTION.export)).toBe(String(campaignId));
    const otherStatus = await bot.command("status", { user_id: OTHER_ADMIN });
    expect(buttonsIn(otherStatus.body?.blocks).has(ESCALATION_ACTION.export)).toBe(false);

    const reply = await press(campaignId, LEAD);
    expect(reply).toContain(`ai-privacy-campaign-${campaignId}-claude.csv`);
    expect(reply).toContain("in our DM");
    const order = bot.fake.calls
      .map((c) => c.method)
      .filter((m) => m.startsWith("files.") || m === "upload_url" || m === "conversations.open");
    expect(order).toEqual([
      "conversations.open",
      "files.getUploadURLExternal",
      "upload_url",
      "files.completeUploadExternal",
    ]);
    const [getUrl] = bot.fake.callsTo("files.getUploadURLExternal");
    const [complete] = bot.fake.callsTo("files.completeUploadExternal");
    expect(getUrl?.args.filename).toBe(`ai-privacy-campaign-${campaignId}-claude.csv`);
    expect(complete?.args.channel_id).toBe(`D${LEAD}`);
    expect(JSON.parse(String(complete?.args.files))).toEqual([
      expect.objectContaining({ id: "F00000001", title: `Claude opt-out campaign ${campaignId}: answers` }),
    ]);
    const [file] = bot.fake.files;
    expect(file).toMatchObject({ channel: `D${LEAD}`, declaredLength: Number(getUrl?.args.length) });
    expect(file?.content.length).toBe(file?.declaredLength);

    const [header, ...rows] = parseCsv(file?.content.toString("utf8") ?? "");
    expect(header?.slice(3, 9)).toEqual([
      "user_id",
      "state",
      "answered_at",
      "how",
      "history",
      "reminders_sent",
    ]);
    const byUser = Object.fromEntries(rows.map((r) => [r[3], r]));
    expect(Object.keys(byUser).sort()).toEqual([BERLIN, NEW_YORK, TOKYO].sort());
    expect(byUser[BERLIN]?.slice(4, 8)).toEqual([
      "done",
      "2026-12-01T09:05:00.000Z",
      "I've opted out button in App Home",
      "2026-12-01T08:45:00.000Z I've opted out (in the DM) → opted out; " +
        "2026-12-01T09:00:00.000Z Undo (in the DM) → no answer; " +
        "2026-12-01T09:05:00.000Z I've opted out (in App Home) → opted out",
    ]);
    expect(byUser[NEW_YORK]?.slice(4, 7)).toEqual([
      "not_using",
      "2026-12-01T09:05:00.000Z",
      "Not using it button in the DM",
    ]);
    expect(byUser[TOKYO]?.slice(4, 9)).toEqual(["pending", "", "", "", "0"]);
    expect(byUser[BERLIN]?.[8]).toBe("1"); // Berlin was in working hours when asked: one reminder
  });

  it("anyone but the campaign's lead gets a polite refusal and nothing is uploaded", async () => {
    const { campaignId } = await campaign();
    for (const user of [OTHER_ADMIN, BERLIN]) {
      const reply = await press(campaignId, user);
      expect(reply).toContain(`Only the campaign's lead (<@${LEAD}>) can export`);
    }
    expect(await press(424242, LEAD)).toContain("no longer exists");
    expect(bot.fake.callsTo("files.getUploadURLExternal")).toEqual([]);
    expect(bot.fake.files).toEqual([]);
  });

  it("`ai-privacy export <campaign>` writes the same CSV to stdout, or JSON with --json", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "aipb-export-")), "bot.db");
    const { campaignId } = await campaign(file);
    await press(campaignId, LEAD);
    const uploaded = bot.fake.files[0]?.content.toString("utf8");
    const saved = process.env.DATABASE_URL;
    // The CLI reads the database the bot wrote, whichever store the suite runs on.
    process.env.DATABASE_URL = bot.deps.config.DATABASE_URL;
    try {
      let out = "";
      const sink = {
        write: (s: string) => {
          out += s;
          return true;
        },
      };
      expect(await runCli(["export", String(campaignId)], sink, sink, {})).toBe(0);
      expect(out).toBe(uploaded);
      out = "";
      expect(await runCli(["export", String(campaignId), "--json"], sink, sink, {})).toBe(0);
      const json = JSON.parse(out) as { campaign: { id: number }; people: { userId: string; how: string }[] };
      expect(json.campaign.id).toBe(campaignId);
      expect(json.people.find((p) => p.userId === BERLIN)?.how).toBe("I've opted out button in App Home");
      out = "";
      expect(await runCli(["export", "--help"], sink, sink, {})).toBe(0);
      expect(out).toContain("Usage: ai-privacy export <campaign> [file] [--json]");
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
