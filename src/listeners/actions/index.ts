import type { App } from "@slack/bolt";
import type { AppDeps } from "../../deps.js";
import { registerCatalogActions } from "./catalog.js";

export function register(app: App, deps: AppDeps): void {
  registerCatalogActions(app, deps);
}
