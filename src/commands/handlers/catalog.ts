import {
  type DatedEvent,
  type RenderedMessage,
  renderAmbiguous,
  renderDeadlines,
  renderHelp,
  renderList,
  renderSearch,
  renderSteps,
  renderUnknown,
} from "../../blocks/index.js";
import type { Deadline, Provider } from "../../catalog/index.js";
import { lookupProvider, searchCatalog } from "../../catalog/index.js";
import type { AppDeps } from "../../deps.js";
import { brokenLinkProviders } from "../../monitor/index.js";
import { workspaceToday } from "../../time/index.js";
import { linksFor } from "../../web/index.js";
import type { Handler } from "../handle.js";
import { USAGE } from "../parse.js";
import type { Reply } from "../types.js";
import { reviewFlags } from "./review.js";

const ephemeral = (m: RenderedMessage): Reply => ({ responseType: "ephemeral", ...m });

export const handleHelp: Handler<"help"> = async (command, _request, deps) =>
  ephemeral(renderHelp(deps.catalog.providers.length, USAGE, command.topic));

export const handleList: Handler<"list"> = async (_command, request, deps) => {
  // "link may be broken" is for the people who can fix or explain it; `list` is ephemeral, so a lead's
  // answer reaches nobody else. Those flags are an extra: when Slack cannot say who is a lead (users.info
  // failing), the list is shown without them rather than not at all.
  const lead = await deps.leads.isLead(request.userId).catch((err: Error) => {
    deps.logger.warn(`list: lead check failed (${err.message}); showing the list without link flags`);
    return false;
  });
  const broken = lead ? await brokenLinkProviders(deps.store) : new Set<string>();
  return ephemeral(
    renderList(
      deps.catalog.providers,
      await reviewFlags(deps),
      { today: workspaceToday(request.now, deps.config), staleDays: deps.config.CATALOG_STALE_DAYS },
      broken,
    ),
  );
};

/** The steps answer for one provider, or a question back when the name is ambiguous or unknown. */
export async function stepsReply(
  query: string,
  today: string,
  deps: AppDeps,
  shared = false,
): Promise<Reply> {
  const found = lookupProvider(deps.catalog, query);
  if (found.kind === "ambiguous") return ephemeral(renderAmbiguous(query, found.candidates));
  if (found.kind === "unknown") return ephemeral(renderUnknown(query, found.suggestions));
  return providerReply(found.provider, today, deps, shared);
}

/**
 * Rendered answers, keyed by everything they depend on. The catalog is fixed for the life of the process,
 * so an answer changes only with the day (relative dates) or a review flag; most questions are about a
 * handful of providers, and this keeps the slash command about as cheap as a bare acknowledgement.
 */
const renderedAnswers = new WeakMap<Provider, Map<string, RenderedMessage>>();
const MAX_CACHED_PER_PROVIDER = 8;

export async function providerReply(
  provider: Provider,
  today: string,
  deps: AppDeps,
  shared = false,
): Promise<Reply> {
  const review = (await reviewFlags(deps)).get(provider.id);
  const staleDays = deps.config.CATALOG_STALE_DAYS;
  const key = `${today}|${shared}|${staleDays}|${review ? `${review.documentTitle}@${review.since}` : ""}`;
  let cache = renderedAnswers.get(provider);
  if (!cache) {
    cache = new Map();
    renderedAnswers.set(provider, cache);
  }
  let rendered = cache.get(key);
  if (!rendered) {
    if (cache.size >= MAX_CACHED_PER_PROVIDER) cache.clear();
    rendered = renderSteps(provider, { today, review, shared, staleDays });
    cache.set(key, rendered);
  }
  return { responseType: shared ? "in_channel" : "ephemeral", ...rendered };
}

export const handleSteps: Handler<"steps"> = async (command, request, deps) =>
  stepsReply(command.query, workspaceToday(request.now, deps.config), deps);

/** Every dated event, split into upcoming (soonest first) and past (most recent first). */
export function datedEvents(
  providers: readonly Provider[],
  today: string,
): { upcoming: DatedEvent[]; recent: DatedEvent[] } {
  const all = providers.flatMap((provider) =>
    provider.deadlines.map((deadline: Deadline) => ({ provider, deadline })),
  );
  const byDate = (a: DatedEvent, b: DatedEvent) => a.deadline.date.localeCompare(b.deadline.date);
  return {
    upcoming: all.filter((e) => e.deadline.date >= today).sort(byDate),
    recent: all
      .filter((e) => e.deadline.date < today)
      .sort(byDate)
      .reverse(),
  };
}

export const handleDeadlines: Handler<"deadlines"> = async (_command, request, deps) => {
  const today = workspaceToday(request.now, deps.config);
  const { upcoming, recent } = datedEvents(deps.catalog.providers, today);
  const calendarUrl = deps.config.PUBLIC_URL ? linksFor(deps.config.PUBLIC_URL).calendar() : undefined;
  const regulation = (deps.catalog.regulations ?? []).filter((r) => r.date >= today).slice(0, 10);
  return ephemeral(
    renderDeadlines(upcoming.slice(0, 25), recent.slice(0, 8), today, calendarUrl, regulation),
  );
};

export const handleSearch: Handler<"search"> = async (command, _request, deps) =>
  ephemeral(renderSearch(command.words, searchCatalog(deps.catalog, command.words)));
