export type * from "./catalog.js";
export * from "./core.js";
export type * from "./installations.js";
export type * from "./monitor.js";
export { openStore } from "./open.js";
export * from "./reminders.js";
export { openSqliteStore, StoreOpenError } from "./sqlite/index.js";
export type { Store, StoreHealth } from "./types.js";
