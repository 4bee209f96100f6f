import { describe, expect, it } from "vitest";
import { checkMessage } from "../../src/blocks/limits.js";
import { diffLinesWithContext } from "../../src/monitor/diff.js";
import {
  changeAnnouncementMessage,
  diffReplyMessages,
  failureNoticeMessage,
  MAX_DIFF_REPLIES,
  recoveryNoticeMessage,
} from "../../src/monitor/messages.js";

const ref = {
  providerId: "acme",
  providerName: "Acme AI",
  documentId: "acme-privacy",
  documentTitle: "Privacy Policy",
  url: "https://acme.example/privacy",
};
const hostile = `Tell <!channel> & <!here> about <https://evil.example|this> \`\`\`code\`\`\` ${"x".repeat(5000)}`;

describe("monitor messages", () => {
  it("escapes page text, stays within limits and carries both buttons", () => {
    const message = changeAnnouncementMessage({
      ...ref,
      highlights: Array.from({ length: 12 }, (_, i) => ({
        change: i % 2 ? ("added" as const) : ("removed" as const),
        text: hostile,
        topics: ["training" as const],
      })),
      effectiveDate: "2025-10-01",
      detectedAt: new Date("2025-09-01T06:00:00Z"),
      carriesSteps: true,
      hasDiff: true,
    });
    expect(checkMessage(message)).toEqual([]);
    const json = JSON.stringify(message);
    expect(json).not.toMatch(/<!(channel|here|everyone)/);
    expect(json).toContain("&lt;!channel&gt;");
    expect(json).toContain('"action_id":"show_steps"');
    expect(json).toContain('"value":"acme"');
    expect(json).toContain(ref.url);
    expect(json).toContain("needs review");
    expect(json).toContain("1 Oct 2025");
  });

  it("splits a huge diff into thread replies that each fit, and says when it cut", () => {
    const before = Array.from({ length: 600 }, (_, i) => `Line ${i} ${hostile.slice(0, 200)}`).join("\n");
    const after = Array.from({ length: 600 }, (_, i) => `Row ${i} changed ${hostile.slice(0, 200)}`).join(
      "\n",
    );
    const replies = diffReplyMessages(ref, diffLinesWithContext(before, after));
    expect(replies).toHaveLength(MAX_DIFF_REPLIES);
    for (const reply of replies) {
      expect(checkMessage(reply)).toEqual([]);
      expect(JSON.stringify(reply.blocks).length).toBeLessThan(12_000);
      expect(JSON.stringify(reply)).not.toMatch(/<!(channel|here|everyone)/);
    }
    expect(JSON.stringify(replies.at(-1))).toContain("ai-privacy diff acme-privacy");
  });

  it("keeps a small diff in one reply with + and - lines", () => {
    const replies = diffReplyMessages(ref, diffLinesWithContext("a\nkeep 30 days\nz", "a\nkeep 5 years\nz"));
    expect(replies).toHaveLength(1);
    const text = JSON.stringify(replies[0]!.blocks);
    expect(text).toContain("- keep 30 days");
    expect(text).toContain("+ keep 5 years");
  });

  it("renders failure and recovery notices within limits", () => {
    const since = new Date("2025-09-01T00:00:00Z");
    const failure = failureNoticeMessage({
      ...ref,
      error: hostile,
      mayBeTransient: true,
      failures: 3,
      since,
      needsBrowser: true,
    });
    expect(checkMessage(failure)).toEqual([]);
    expect(JSON.stringify(failure)).toContain("needs a browser");
    const recovery = recoveryNoticeMessage({ ...ref, since, now: new Date("2025-09-03T00:00:00Z") });
    expect(checkMessage(recovery)).toEqual([]);
  });
});
