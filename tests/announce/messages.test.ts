import { describe, expect, it } from "vitest";
import {
  catalogChangeMessage,
  deadlineMessage,
  personalReminderMessage,
} from "../../src/announce/messages.js";
import { catalogEvents } from "../../src/announce/run-deadlines.js";
import { checkMessage } from "../../src/blocks/limits.js";
import { loadCatalog } from "../../src/catalog/index.js";
import { classify, failedNoticeMessage, pausedNoticeMessage } from "../../src/outbox/index.js";

describe("announcement messages", () => {
  const events = catalogEvents(loadCatalog());

  it("every dated event in the built-in catalog renders within Block Kit limits, with both buttons", () => {
    expect(events.length).toBeGreaterThan(5);
    for (const e of events) {
      const m = deadlineMessage(e, e.date);
      expect(checkMessage(m), e.id).toEqual([]);
      // Regulatory dates have no provider steps (tests/announce/regulation.test.ts).
      if (e.kind === "regulation") continue;
      const json = JSON.stringify(m.blocks);
      expect(json).toContain('"action_id":"show_steps"');
      expect(json).toContain('"action_id":"remind_me"');
      expect(json).toContain(`"value":"${e.providerId}"`);
    }
  });

  it("says what, when (absolute and relative) and who is affected; escapes overlay text", () => {
    const m = deadlineMessage(
      {
        providerId: "acme",
        providerName: "Acme <AI>",
        id: "x",
        date: "2026-12-10",
        title: "Opt out <!channel>",
        kind: "deadline",
        detail: "Chats & files",
        tiers: ["Free", "Plus"],
      },
      "2026-12-07",
    );
    const json = JSON.stringify(m.blocks);
    expect(json).toContain("10 Dec 2026 (in 3 days)");
    expect(json).toContain("Chats &amp; files");
    expect(json).toContain("*Who is affected:* Free, Plus");
    expect(checkMessage(m)).toEqual([]); // the broadcast in the title stays plain text in the header
    expect(
      JSON.stringify(deadlineMessage({ ...events[0]!, date: "2026-12-07" }, "2026-12-07").blocks),
    ).toContain("(today)");
  });

  it("huge overlay values still fit", () => {
    const long = "x".repeat(5000);
    expect(
      checkMessage(
        deadlineMessage(
          {
            providerId: "a",
            providerName: long.slice(0, 80),
            id: "x",
            date: "2026-12-10",
            title: long.slice(0, 200),
            kind: "change",
            detail: long,
            tiers: [long, long],
          },
          "2026-12-01",
        ),
      ),
    ).toEqual([]);
    const fields = Array.from({ length: 30 }, (_, i) => ({ field: `Field ${i}`, before: long, after: long }));
    const change = catalogChangeMessage({ id: "a", name: "A" }, fields);
    expect(checkMessage(change)).toEqual([]);
    expect(JSON.stringify(change.blocks)).toContain("and 18 more changes");
  });

  it("notices explain the fix", () => {
    expect(JSON.stringify(pausedNoticeMessage("C1", "not_in_channel", "claude").blocks)).toContain(
      "/invite @ai-privacy",
    );
    expect(JSON.stringify(pausedNoticeMessage("C1", "is_archived", "claude").blocks)).toContain("unarchive");
    expect(JSON.stringify(failedNoticeMessage("UBOB", "cannot_dm_bot", "remind-me").blocks)).toContain(
      "<@UBOB>",
    );
    for (const m of [
      pausedNoticeMessage("C1", "x", "y"),
      failedNoticeMessage("C1", "x", "y"),
      personalReminderMessage({ id: "a", name: "A" }),
    ]) {
      expect(checkMessage(m)).toEqual([]);
    }
  });
});

describe("classify (Slack errors → what the deliverer does)", () => {
  const platform = (error: string) => ({ code: "slack_webapi_platform_error", data: { ok: false, error } });
  it("maps each error family", () => {
    expect(classify({ code: "slack_webapi_rate_limited_error", retryAfter: 7 })).toMatchObject({
      type: "rate-limited",
      retryAfterMs: 7000,
    });
    expect(classify({ code: "slack_webapi_http_error", statusCode: 503 })).toMatchObject({
      type: "transient",
    });
    expect(classify({ code: "slack_webapi_request_error", original: new Error("ECONNRESET") })).toMatchObject(
      { type: "transient" },
    );
    for (const e of ["channel_not_found", "is_archived", "not_in_channel"])
      expect(classify(platform(e)).type).toBe("channel");
    for (const e of ["invalid_auth", "account_inactive", "token_revoked"])
      expect(classify(platform(e)).type).toBe("auth");
    for (const e of ["msg_too_long", "invalid_blocks", "msg_blocks_too_long"])
      expect(classify(platform(e)).type).toBe("message");
    expect(classify(platform("internal_error")).type).toBe("transient");
    expect(classify(new Error("socket hang up")).type).toBe("transient");
  });
});
