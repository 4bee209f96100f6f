import type { App } from "@slack/bolt";
import { describe, expect, it, vi } from "vitest";
import { createListeners } from "../../src/listeners/index.js";

type Registered = { kind: string; pattern: RegExp; route: (args: object) => Promise<void> };

/** A stand-in for Bolt's App that records what it was asked to listen to. */
function recordingApp(): { app: App; registered: Registered[] } {
  const registered: Registered[] = [];
  const record = (kind: string) => (pattern: RegExp, route: Registered["route"]) =>
    void registered.push({ kind, pattern, route });
  const app = {
    command: record("command"),
    action: record("action"),
    options: record("options"),
    event: record("event"),
  } as unknown as App;
  return { app, registered };
}

describe("listeners: one Bolt listener per kind", () => {
  it("hands Bolt one listener per kind, whose constraint matches exactly what was registered", () => {
    const listeners = createListeners();
    const noop = async () => undefined;
    for (const id of ["open_settings", "share_steps", "a.b"]) listeners.action(id, noop);
    listeners.action(/^show_steps(:|$)/, noop);
    listeners.action(/^rem_/, noop);
    listeners.event("app_home_opened", noop);
    listeners.event("member_joined_channel", noop);
    listeners.command("/ai-privacy", noop);
    const { app, registered } = recordingApp();
    listeners.installOn(app);

    expect(registered.map((r) => r.kind)).toEqual(["command", "action", "event"]);
    const action = registered.find((r) => r.kind === "action")?.pattern as RegExp;
    for (const id of ["open_settings", "share_steps", "a.b", "show_steps", "show_steps:claude", "rem_done"])
      expect(action.test(id), id).toBe(true);
    // Escaped and anchored: nothing else is claimed, so Bolt still treats it as unhandled.
    for (const id of ["axb", "open_settings_x", "xshare_steps", "show_stepsx", "x_rem_"])
      expect(action.test(id), id).toBe(false);
    const event = registered.find((r) => r.kind === "event")?.pattern as RegExp;
    expect(event.test("member_joined_channel")).toBe(true);
    expect(event.test("member_left_channel")).toBe(false);
  });

  it("runs every handler that matches the request, with Bolt's arguments, and no other", async () => {
    const listeners = createListeners();
    const exact = vi.fn(async () => undefined);
    const prefix = vi.fn(async () => undefined);
    const other = vi.fn(async () => undefined);
    listeners.action("rem_done", exact);
    listeners.action(/^rem_/, prefix);
    listeners.action("share_steps", other);
    const { app, registered } = recordingApp();
    listeners.installOn(app);
    const args = { payload: { action_id: "rem_done" }, body: {} };
    await registered[0]?.route(args);
    expect(exact).toHaveBeenCalledWith(args);
    expect(prefix).toHaveBeenCalledWith(args);
    expect(other).not.toHaveBeenCalled();
  });

  it("routes events by type and commands by name; a handler's failure is Bolt's error", async () => {
    const listeners = createListeners();
    const home = vi.fn(async () => undefined);
    listeners.event("app_home_opened", home);
    listeners.command("/ai-privacy", async () => {
      throw new Error("boom");
    });
    const { app, registered } = recordingApp();
    listeners.installOn(app);
    const byKind = (kind: string) => registered.find((r) => r.kind === kind) as Registered;
    await byKind("event").route({ event: { type: "member_left_channel" } });
    expect(home).not.toHaveBeenCalled();
    await byKind("event").route({ event: { type: "app_home_opened" } });
    expect(home).toHaveBeenCalledTimes(1);
    await expect(byKind("command").route({ command: { command: "/ai-privacy" } })).rejects.toThrow("boom");
  });

  it("refuses a pattern with flags, which the union could not keep", () => {
    expect(() => createListeners().action(/^rem_/i, async () => undefined)).toThrow(/flags/);
  });
});
