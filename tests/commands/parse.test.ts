import { describe, expect, it } from "vitest";
import { cleanText, parseCommand } from "../../src/commands/index.js";

describe("parseCommand", () => {
  it("treats empty text and help as help", () => {
    expect(parseCommand("")).toEqual({ type: "help" });
    expect(parseCommand("   ")).toEqual({ type: "help" });
    expect(parseCommand("HELP")).toEqual({ type: "help" });
  });

  it("reads the catalog verbs", () => {
    expect(parseCommand("list")).toEqual({ type: "list" });
    expect(parseCommand("steps Chat GPT")).toEqual({ type: "steps", query: "Chat GPT" });
    expect(parseCommand("claude")).toEqual({ type: "steps", query: "claude" });
    expect(parseCommand("deadlines")).toEqual({ type: "deadlines" });
    expect(parseCommand("search 5 years")).toEqual({ type: "search", words: "5 years" });
    expect(parseCommand("steps").type).toBe("invalid");
    expect(parseCommand("search").type).toBe("invalid");
  });

  it("reads subscriptions with providers and kinds", () => {
    expect(parseCommand("subscribe")).toEqual({
      type: "subscribe",
      providers: "all",
      kinds: ["deadlines", "changes", "catalog"],
    });
    expect(parseCommand("subscribe claude, chatgpt deadlines")).toEqual({
      type: "subscribe",
      providers: ["claude", "chatgpt"],
      kinds: ["deadlines"],
    });
    expect(parseCommand("unsubscribe all")).toEqual({ type: "unsubscribe", providers: "all" });
    expect(parseCommand("subscriptions")).toEqual({ type: "subscriptions" });
  });

  it("reads escaped mentions for remind", () => {
    expect(
      parseCommand(
        "remind <@U123ABC|alice> <#C0456|general> <!subteam^S789|@eng> claude chatgpt by 2026-12-31",
      ),
    ).toEqual({
      type: "remind",
      audience: { users: ["U123ABC"], channels: ["C0456"], usergroups: ["S789"] },
      providers: ["claude", "chatgpt"],
      by: "2026-12-31",
      mentions: 3,
    });
    expect(parseCommand("remind claude").type).toBe("invalid");
    expect(parseCommand("remind <@U1|a> claude by tomorrow").type).toBe("invalid");
    expect(parseCommand("remind <@U1|a>").type).toBe("invalid");
  });

  it("reads status and privacy verbs", () => {
    expect(parseCommand("status")).toEqual({ type: "status" });
    expect(parseCommand("status claude")).toEqual({ type: "status", provider: "claude" });
    expect(parseCommand("my-data")).toEqual({ type: "my-data" });
    expect(parseCommand("forget-me")).toEqual({ type: "forget-me" });
  });

  it("survives hostile input", () => {
    expect(parseCommand("x".repeat(10_000)).type).toBe("invalid");
    expect(parseCommand("\u0000\u0007claude\u200b")).toEqual({ type: "steps", query: "claude" });
    expect(cleanText("a\tb\n\nc")).toBe("a b c");
  });
});
