import { describe, expect, it } from "vitest";
import {
  checkMessage,
  escapeMrkdwn,
  nameWithVendor,
  optOutLabel,
  renderSteps,
} from "../../src/blocks/index.js";
import { loadCatalog } from "../../src/catalog/index.js";

describe("checkMessage", () => {
  const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

  it("accepts a small valid message", () => {
    expect(checkMessage({ text: "hi", blocks: [section("hello")] })).toEqual([]);
  });

  it("catches each limit", () => {
    expect(checkMessage({ blocks: Array.from({ length: 51 }, () => section("x")) }).join()).toMatch(
      /51 blocks/,
    );
    expect(checkMessage({ blocks: Array.from({ length: 51 }, () => section("x")) }, "home")).toEqual([]);
    expect(checkMessage({ blocks: [section("x".repeat(3001))] }).join()).toMatch(/1–3000/);
    expect(checkMessage({ blocks: [section("")] }).join()).toMatch(/1–3000/);
    expect(
      checkMessage({
        blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }],
      }).join(),
    ).toMatch(/150/);
    expect(
      checkMessage({
        blocks: [
          { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) },
        ],
      }).join(),
    ).toMatch(/11 fields/);
    expect(
      checkMessage({
        blocks: [
          { type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "c" })) },
        ],
      }).join(),
    ).toMatch(/1–10 elements/);
    const button = (text: string, extra: Record<string, unknown> = {}) => ({
      type: "button",
      text: { type: "plain_text", text },
      action_id: "a",
      ...extra,
    });
    expect(
      checkMessage({
        blocks: [{ type: "actions", elements: Array.from({ length: 26 }, () => button("b")) }],
      }).join(),
    ).toMatch(/1–25 elements/);
    expect(
      checkMessage({ blocks: [{ type: "actions", elements: [button("b".repeat(76))] }] }).join(),
    ).toMatch(/button text/);
    expect(
      checkMessage({
        blocks: [{ type: "actions", elements: [button("b", { value: "v".repeat(2001) })] }],
      }).join(),
    ).toMatch(/value/);
    expect(
      checkMessage({
        blocks: [{ type: "actions", elements: [button("b", { url: `https://x/${"u".repeat(3000)}` })] }],
      }).join(),
    ).toMatch(/url/);
    expect(checkMessage({ blocks: [{ ...section("x"), block_id: "b".repeat(256) }] }).join()).toMatch(
      /block_id/,
    );
    expect(
      checkMessage({ blocks: Array.from({ length: 10 }, () => section("y".repeat(2000))) }).join(),
    ).toMatch(/msg_blocks_too_long/);
  });

  it("refuses channel-wide pings anywhere", () => {
    for (const ping of ["<!channel>", "<!here>", "<!everyone>", "<!here|here>"]) {
      expect(checkMessage({ blocks: [section(`hey ${ping}`)] }).join(), ping).toMatch(/channel-wide ping/);
    }
    expect(checkMessage({ blocks: [section(escapeMrkdwn("hey <!channel>"))] })).toEqual([]);
  });
});

describe("renderSteps", () => {
  const catalog = loadCatalog();

  it("fits Slack's limits for every provider, shared or not, with or without a review flag", () => {
    for (const p of catalog.providers) {
      for (const shared of [false, true]) {
        const m = renderSteps(p, {
          today: "2026-11-29",
          shared,
          review: { documentTitle: "Help article", since: "2026-11-20" },
        });
        expect(checkMessage(m), `${p.id} shared=${shared}`).toEqual([]);
      }
    }
  });

  it("shows sources with honest provenance, the as-of date, and uncertainties", () => {
    const p = catalog.byId("claude")!;
    const json = JSON.stringify(renderSteps(p, { today: "2026-12-01" }).blocks);
    expect(json).toContain("Sources, from the fact sheet, not re-read");
    expect(json).toContain("cited 29 Nov 2026");
    expect(json).not.toContain("checked 29 Nov 2026");
    expect(json).toContain("As of 1 Dec 2026");
    expect(json).toContain("Not certain");
    expect(json).toContain(p.sources[0]!.url);
  });

  it("escapes catalog text so an overlay cannot ping or inject links", () => {
    const p = { ...catalog.byId("claude")!, summary: "Hi <!channel> & <https://evil|click>" };
    const json = JSON.stringify(renderSteps(p, { today: "2026-11-29" }).blocks);
    expect(json).not.toContain("<!channel>");
    expect(json).toContain("&lt;!channel&gt; &amp;");
  });
});

describe("list labels", () => {
  const catalog = loadCatalog();
  it("names the vendor only when the product name doesn't", () => {
    expect(nameWithVendor(catalog.byId("claude")!)).toBe("Claude (Anthropic)");
    expect(nameWithVendor(catalog.byId("zoom")!)).toBe("Zoom");
    expect(nameWithVendor(catalog.byId("github-copilot")!)).toBe("GitHub Copilot");
  });
  it("says no opt-out is needed where nothing trains by default", () => {
    expect(optOutLabel(catalog.byId("notion-ai")!)).toMatch(/Not needed/);
    expect(optOutLabel(catalog.byId("reddit-stack-overflow")!)).toBe("No opt-out exists");
  });
});
