import type { App } from "@slack/bolt";
import type { AppDeps } from "../../deps.js";
import { registerAnnounceActions } from "./announce.js";
import { registerCatalogActions } from "./catalog.js";
import { registerReminderActions } from "./reminders.js";

export function register(app: App, deps: AppDeps): void {
  registerCatalogActions(app, deps);
  registerAnnounceActions(app, deps);
  registerReminderActions(app, deps);
}
