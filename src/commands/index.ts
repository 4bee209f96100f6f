export { handleCommand } from "./handle.js";
export { providerReply } from "./handlers/catalog.js";
export { cleanText, extractMentions, parseCommand, USAGE } from "./parse.js";
export { errorReply, invalidReply, leadOnlyReply, textReply } from "./replies.js";
export type { Audience, Command, Reply, RequestContext } from "./types.js";
