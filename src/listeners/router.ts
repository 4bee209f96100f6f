import type {
  App,
  BlockAction,
  Middleware,
  OptionsSource,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
} from "@slack/bolt";

/**
 * Where features register their Slack listeners. Bolt runs the middleware chain of *every* registered
 * listener for every request, copying the listener arguments into a fresh object at each step
 * (App.processEvent, middleware/process.js), so a request's cost grows with the number of listeners: about
 * 6 µs per listener here, and the bot had 13 (a sixth of a slash command's CPU in a `node --cpu-prof` of
 * bench/commands.mjs). The features keep Bolt's own way of saying what they answer (an action_id or a
 * RegExp, an event type, a command name); `installOn` hands Bolt one listener per kind, constrained to
 * exactly what was registered — so anything else stays unhandled for Bolt, as before — which runs the
 * matching handlers with Bolt's arguments.
 */
export interface Listeners {
  command(name: string, handler: Middleware<SlackCommandMiddlewareArgs>): void;
  action<A extends SlackAction = BlockAction>(
    actionId: string | RegExp,
    handler: Middleware<SlackActionMiddlewareArgs<A>>,
  ): void;
  options<Source extends OptionsSource = "block_suggestion">(
    actionId: string,
    handler: Middleware<SlackOptionsMiddlewareArgs<Source>>,
  ): void;
  event<T extends string>(type: T, handler: Middleware<SlackEventMiddlewareArgs<T>>): void;
}

type Match = string | RegExp;
// Bolt hands every handler the same argument object; each route's handler was typed by its registration.
type AnyHandler = (args: never) => Promise<void>;
interface Route {
  match: Match;
  handler: AnyHandler;
}

const KINDS = ["command", "action", "options", "event"] as const;
type Kind = (typeof KINDS)[number];

/** Reads `args[outer][inner]` of Bolt's listener arguments, whatever their shape. */
const field = (args: object, outer: string, inner: string): unknown => {
  const value: unknown = (args as Record<string, unknown>)[outer];
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[inner] : undefined;
};

/** What Bolt's constraint for each kind is tested against (builtin.js matchConstraints, matchEventType). */
const routingKey: Record<Kind, (args: object) => unknown> = {
  command: (args) => field(args, "command", "command"),
  action: (args) => field(args, "payload", "action_id"),
  options: (args) => field(args, "payload", "action_id"),
  event: (args) => field(args, "event", "type"),
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One pattern matching exactly what the routes match, for Bolt's own constraint. */
function unionPattern(routes: readonly Route[]): RegExp {
  return new RegExp(
    routes
      .map(({ match }) => (typeof match === "string" ? `^${escapeRegExp(match)}$` : `(?:${match.source})`))
      .join("|"),
  );
}

const matches = (match: Match, key: unknown): boolean =>
  typeof key === "string" && (typeof match === "string" ? match === key : match.test(key));

export function createListeners(): Listeners & { installOn(app: App): void } {
  const routes: Record<Kind, Route[]> = { command: [], action: [], options: [], event: [] };
  const add = (kind: Kind, match: Match, handler: AnyHandler) => {
    // A flag (i, g, y…) would not survive the union pattern, and `g`/`y` make `test` stateful.
    if (match instanceof RegExp && match.flags)
      throw new Error(`listener pattern ${String(match)}: flags are not supported`);
    routes[kind].push({ match, handler });
  };
  return {
    command: (name, handler) => add("command", name, handler),
    action: (actionId, handler) => add("action", actionId, handler),
    options: (actionId, handler) => add("options", actionId, handler),
    event: (type, handler) => add("event", type, handler),
    installOn(app) {
      for (const kind of KINDS) {
        const registered = routes[kind];
        if (!registered.length) continue;
        const route = async (args: object) => {
          const key = routingKey[kind](args);
          // Like Bolt, every matching handler runs, concurrently, and the first failure is Bolt's error.
          await Promise.all(
            registered
              .filter((r) => matches(r.match, key))
              .map((r) => (r.handler as (a: object) => Promise<void>)(args)),
          );
        };
        const pattern = unionPattern(registered);
        if (kind === "command") app.command(pattern, route);
        else if (kind === "action") app.action(pattern, route);
        else if (kind === "options") app.options(pattern, route);
        else app.event(pattern, route);
      }
    },
  };
}
