import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "../../src/reminders/csv.js";
import { evidenceCsv, evidenceRows } from "../../src/reminders/index.js";
import type { AuditEntry, Campaign, ReminderState } from "../../src/store/index.js";

describe("CSV (RFC 4180) with formula-injection protection (OWASP)", () => {
  it("quotes fields holding a comma, a double quote, CR or LF, doubling inner quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField(null)).toBe("");
    expect(csvField(0)).toBe("0");
    expect(csvField(12)).toBe("12");
  });

  it("defuses cells that start with = + - @ (and tab or CR) with a leading quote, and quotes them", () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+1")).toBe('"\'+1"');
    expect(csvField("-2+3")).toBe('"\'-2+3"');
    expect(csvField("@SUM(A1)")).toBe('"\'@SUM(A1)"');
    expect(csvField("\tx")).toBe('"\'\tx"');
    expect(csvField("\r=1")).toBe('"\'\r=1"');
    // Only the first character matters.
    expect(csvField("a=b")).toBe("a=b");
  });

  it("ends every record, the last one too, with CRLF", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["1", null],
          ["x,y", 2],
        ],
      ),
    ).toBe('a,b\r\n1,\r\n"x,y",2\r\n');
    expect(toCsv(["only"], [])).toBe("only\r\n");
  });
});

const T0 = new Date("2026-12-01T09:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

const campaign: Campaign = {
  id: 7,
  teamId: "T1",
  leadId: "ULEAD",
  channelId: "C1",
  providerId: "claude",
  deadline: "2026-12-18",
  recheck: true,
  status: "open",
  createdAt: T0,
  closedAt: null,
  lastDigestAt: null,
};

const state = (id: number, userId: string, patch: Partial<ReminderState> = {}): ReminderState => ({
  id,
  campaignId: 7,
  teamId: "T1",
  userId,
  providerId: "claude",
  state: "pending",
  account: 1,
  plan: null,
  tz: null,
  nextAt: null,
  snoozedUntil: null,
  sends: 1,
  lastSentAt: T0,
  answeredAt: null,
  updatedAt: T0,
  ...patch,
});

const answer = (at: Date, stateId: number, detail: Record<string, unknown>, campaignId = 7): AuditEntry => ({
  at,
  teamId: "T1",
  actorId: "U",
  action: "reminders.answer",
  detail: { campaignId, stateId, via: "dm", ...detail },
});

describe("evidence rows", () => {
  it("how and when from the last answer, every undo in the history, nudges, other campaigns ignored", () => {
    const states = [
      state(1, "UANA", { state: "done", answeredAt: minutes(30), sends: 2 }),
      state(2, "UBEN"),
      state(3, "UGONE", { state: "unreachable" }),
    ];
    const entries: AuditEntry[] = [
      answer(minutes(10), 1, { click: "done", from: "pending", to: "done" }),
      answer(minutes(20), 1, { click: "undo", from: "done", to: "pending" }),
      answer(minutes(30), 1, { click: "done", from: "pending", to: "done", via: "home" }),
      answer(minutes(40), 2, { click: "done", from: "pending", to: "done" }, 8),
      {
        at: minutes(50),
        teamId: "T1",
        actorId: "ULEAD",
        action: "reminders.nudge",
        detail: { campaignId: 7, stateIds: [2] },
      },
    ];
    const rows = evidenceRows(states, entries, 7);
    expect(rows[0]).toMatchObject({
      userId: "UANA",
      state: "done",
      how: "I've opted out button in App Home",
      remindersSent: 2,
      nudgedAt: null,
    });
    expect(rows[0]?.history).toBe(
      "2026-12-01T09:10:00.000Z I've opted out (in the DM) → opted out; " +
        "2026-12-01T09:20:00.000Z Undo (in the DM) → no answer; " +
        "2026-12-01T09:30:00.000Z I've opted out (in App Home) → opted out",
    );
    expect(rows[1]).toMatchObject({ userId: "UBEN", how: "", history: "", nudgedAt: minutes(50) });
    expect(rows[2]).toMatchObject({ how: "Slack said the account is gone" });

    const csv = evidenceCsv({ campaign, rows }).split("\r\n");
    expect(csv[0]).toBe(
      "campaign_id,provider_id,deadline,user_id,state,answered_at,how,history,reminders_sent,last_reminder_at,nudged_at,snoozed_until,account,plan",
    );
    expect(csv[1]).toBe(
      `7,claude,2026-12-18,UANA,done,2026-12-01T09:30:00.000Z,I've opted out button in App Home,${rows[0]?.history},2,2026-12-01T09:00:00.000Z,,,1,`,
    );
    expect(csv[2]).toBe(
      "7,claude,2026-12-18,UBEN,pending,,,,1,2026-12-01T09:00:00.000Z,2026-12-01T09:50:00.000Z,,1,",
    );
    expect(csv).toHaveLength(5); // header, three people, and the empty string after the last CRLF
  });
});
