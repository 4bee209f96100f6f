import type { AppDeps } from "../../deps.js";
import type { Listeners } from "../router.js";
import { registerAnnounceActions } from "./announce.js";
import { registerCatalogActions } from "./catalog.js";
import { registerReminderActions } from "./reminders.js";

export function register(app: Listeners, deps: AppDeps): void {
  registerCatalogActions(app, deps);
  registerAnnounceActions(app, deps);
  registerReminderActions(app, deps);
}
