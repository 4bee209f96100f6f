import type { App } from "@slack/bolt";
import type { AppDeps } from "../../deps.js";

export function register(_app: App, _deps: AppDeps): void {}
