import { AsyncLocalStorage } from "node:async_hooks";
import type { SlackApi } from "../slack/index.js";

/**
 * The workspace a request came from, for the Slack reads made while answering it. Handlers take one
 * `SlackApi` (deps.slack) and stay unaware of tokens; in distributed mode that object forwards each call to
 * the client of the workspace in scope. The scope is set by a Bolt global middleware around the listeners
 * and follows their awaits (Node's AsyncLocalStorage, nodejs.org/api/async_context.html).
 */
export interface WorkspaceScope {
  teamId: string;
  slack: SlackApi;
}

const storage = new AsyncLocalStorage<WorkspaceScope>();

export function inWorkspace<T>(scope: WorkspaceScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

export function currentWorkspace(): WorkspaceScope | undefined {
  return storage.getStore();
}

function scoped(): SlackApi {
  const scope = storage.getStore();
  // A read outside a request would go to no workspace or the wrong one: refuse it loudly.
  if (!scope) throw new Error("a Slack read was made outside a workspace's request");
  return scope.slack;
}

/** deps.slack in distributed mode: every call goes to the workspace in scope. */
export const workspaceSlackApi: SlackApi = {
  userInfo: (userId) => scoped().userInfo(userId),
  channelMembers: (channelId) => scoped().channelMembers(channelId),
  usergroupMembers: (usergroupId) => scoped().usergroupMembers(usergroupId),
  channelAccess: (channelId) => scoped().channelAccess(channelId),
  publishHome: (userId, view) => scoped().publishHome(userId, view),
  listUsers: () => scoped().listUsers(),
};
