export { register as registerActions } from "./actions/index.js";
export { register as registerCommands } from "./commands/index.js";
export { register as registerEvents } from "./events/index.js";
export { createListeners, type Listeners } from "./router.js";
