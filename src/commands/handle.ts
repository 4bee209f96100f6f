import type { AppDeps } from "../deps.js";
import { handleDeadlines, handleHelp, handleList, handleSearch, handleSteps } from "./handlers/catalog.js";
import { handleForgetMe, handleMyData, handleRemind, handleStatus } from "./handlers/reminders.js";
import { handleSubscribe, handleSubscriptions, handleUnsubscribe } from "./handlers/subscriptions.js";
import { invalidReply } from "./replies.js";
import type { Command, CommandType, Reply, RequestContext } from "./types.js";

export type Handler<T extends CommandType> = (
  command: Extract<Command, { type: T }>,
  request: RequestContext,
  deps: AppDeps,
) => Promise<Reply>;

const handlers: { [T in CommandType]: Handler<T> } = {
  help: handleHelp,
  list: handleList,
  steps: handleSteps,
  deadlines: handleDeadlines,
  search: handleSearch,
  subscribe: handleSubscribe,
  unsubscribe: handleUnsubscribe,
  subscriptions: handleSubscriptions,
  remind: handleRemind,
  status: handleStatus,
  "my-data": handleMyData,
  "forget-me": handleForgetMe,
  invalid: async (command) => invalidReply(command.problem, command.usage),
};

/** Runs one parsed command. Handlers never talk to Slack's chat API: they return a Reply to render. */
export function handleCommand(command: Command, request: RequestContext, deps: AppDeps): Promise<Reply> {
  const handler = handlers[command.type] as Handler<typeof command.type>;
  return handler(command as never, request, deps);
}
