import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@slack/logger";
import { type Catalog, DEFAULT_STALE_DAYS, staleSince } from "../catalog/index.js";
import {
  CHANGE_TOO_LARGE,
  type ChangeDiff,
  type ChangeDiffer,
  sharedExtractionPool,
} from "../monitor/index.js";
import type { Store } from "../store/index.js";
import { localDateOf } from "../time/index.js";
import { calendarFile } from "./calendar.js";
import { renderChangePage } from "./change-page.js";
import { listChanges, loadChange } from "./changes.js";
import { catalogFeed, changesFeed, providerChangesFeed } from "./feeds.js";
import { renderHomePage, renderProblemPage } from "./home-page.js";
import { ATOM_TYPE, CALENDAR_TYPE, CSS_TYPE, HTML_TYPE, send, type WebResponse } from "./http.js";
import { type Links, linksFor } from "./layout.js";
import { renderProviderPage } from "./provider-page.js";
import { STYLESHEET } from "./style.js";

/** What the web surface reads: public catalog facts and public page versions. Never subscriptions or people. */
export interface WebDeps {
  readonly publicUrl: string;
  readonly store: Pick<Store, "documents" | "catalogHistory">;
  readonly catalog: Catalog;
  readonly now: () => Date;
  /** DEFAULT_TIMEZONE: what "today" is for relative dates. */
  readonly timeZone: string;
  /** CATALOG_STALE_DAYS: older reviews are marked "may be out of date", as in Slack answers. */
  readonly staleDays?: number;
  readonly logger: Pick<Logger, "error">;
  /** Where change-page diffs are computed: the monitor's worker pool unless a test hands its own. */
  readonly diff?: ChangeDiffer;
}

export interface WebRoute {
  readonly path: string;
  answer(params: Record<string, string>): Promise<WebResponse>;
}

const html = (body: string, status = 200): WebResponse => ({ status, type: HTML_TYPE, body });
const problem = (links: Links, status: 400 | 404, title: string, detail: string) =>
  html(renderProblemPage(links, title, detail), status);

/**
 * A change page depends only on its two versions (never edited) and its neighbours: the last few pages
 * are kept, keyed by version and neighbour ids, so a new change re-renders the page that now has a "next".
 * Requests for a page being made wait for that one diff instead of starting their own. A page without a
 * diff (the pool was busy past its time limit) is not kept: the next request tries again.
 */
class PageCache {
  private readonly views = new Map<string, Promise<string>>();
  constructor(private readonly size: number) {}
  get(id: string, make: () => Promise<{ page: string; keep: boolean }>): Promise<string> {
    const hit = this.views.get(id);
    if (hit !== undefined) {
      this.views.delete(id);
      this.views.set(id, hit);
      return hit;
    }
    const made = make();
    const view = made.then((m) => m.page);
    this.views.set(id, view);
    const forget = () => {
      if (this.views.get(id) === view) this.views.delete(id);
    };
    made.then((m) => (m.keep ? undefined : forget()), forget);
    if (this.views.size > this.size) this.views.delete(this.views.keys().next().value as string);
    return view;
  }
}

/** The default differ: the process-wide pool, made on the first change page; a broken install is a typed failure. */
const poolDiff: ChangeDiffer = async (request) => {
  try {
    return await sharedExtractionPool().diff(request);
  } catch (err) {
    return { ok: false, reason: (err as Error).message.slice(0, 200) };
  }
};

const ID = /^[1-9]\d{0,15}$/;
/** Feed readers keep what they have seen; the newest entries are enough. */
const CATALOG_FEED_ENTRIES = 50;
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function webRoutes(deps: WebDeps, options: { cacheSize?: number } = {}): WebRoute[] {
  const links = linksFor(deps.publicUrl);
  const { catalog, store } = deps;
  const pages = new PageCache(options.cacheSize ?? 16);
  const differ = deps.diff ?? poolDiff;
  const unknownProvider = (id: string) =>
    problem(
      links,
      404,
      "No such provider",
      `The catalog has no provider “${id}”. The home page lists every provider.`,
    );
  const providerOf = (id: string | undefined) => (id && SLUG.test(id) ? catalog.byId(id) : undefined);

  return [
    {
      path: "/",
      answer: async () => html(renderHomePage(catalog, await listChanges(store.documents, catalog), links)),
    },
    {
      path: "/assets/web.css",
      answer: async () => ({ status: 200, type: CSS_TYPE, body: STYLESHEET, cache: "public, max-age=3600" }),
    },
    {
      path: "/changes/:id",
      answer: async ({ id = "" }) => {
        if (!ID.test(id))
          return problem(
            links,
            400,
            "Not a change number",
            "Change addresses end in a number, such as /changes/12.",
          );
        const change = await loadChange(store.documents, catalog, Number(id));
        if (!change)
          return problem(
            links,
            404,
            "No such change",
            `There is no recorded change ${id}. The feed lists every change.`,
          );
        const key = `${change.id}:${change.previousChangeId ?? ""}:${change.nextChangeId ?? ""}`;
        return html(
          await pages.get(key, async () => {
            const diff: ChangeDiff = await differ({
              before: change.previous.text,
              after: change.version.text,
            });
            // Only a limit (size, time, memory) is expected here; anything else is worth a log line.
            if (!diff.ok && !diff.reason.startsWith(CHANGE_TOO_LARGE))
              deps.logger.error(`web /changes/${change.id}: ${diff.reason}`);
            return { page: renderChangePage(change, diff, links), keep: diff.ok };
          }),
        );
      },
    },
    {
      path: "/providers/:id",
      answer: async ({ id = "" }) => {
        const provider = providerOf(id);
        if (!provider) return unknownProvider(id);
        const flag = (await store.documents.reviewFlags()).find((f) => f.providerId === provider.id);
        const document = flag && provider.documents.find((d) => d.id === flag.documentId);
        const review = flag && {
          documentTitle: document?.title ?? flag.documentId,
          since: flag.since.toISOString().slice(0, 10),
          changeId: flag.versionId ?? undefined,
        };
        const today = localDateOf(deps.now(), deps.timeZone);
        const stale = staleSince(provider, today, deps.staleDays ?? DEFAULT_STALE_DAYS);
        return html(renderProviderPage({ provider, today, review, stale, links }));
      },
    },
    {
      path: "/feeds/changes.atom",
      answer: async () => ({
        status: 200,
        type: ATOM_TYPE,
        body: changesFeed(await listChanges(store.documents, catalog), catalog, links),
      }),
    },
    {
      path: "/feeds/catalog.atom",
      answer: async () => ({
        status: 200,
        type: ATOM_TYPE,
        body: catalogFeed(await store.catalogHistory.list(CATALOG_FEED_ENTRIES), catalog, links),
      }),
    },
    {
      path: "/feeds/providers/:id.atom",
      answer: async ({ id = "" }) => {
        const provider = providerOf(id);
        if (!provider) return unknownProvider(id);
        const changes = await listChanges(store.documents, catalog, provider.id);
        return { status: 200, type: ATOM_TYPE, body: providerChangesFeed(provider, changes, links) };
      },
    },
    {
      path: "/calendar.ics",
      answer: async () => ({ status: 200, type: CALENDAR_TYPE, body: calendarFile(catalog, links) }),
    },
    {
      path: "/calendar/:id.ics",
      answer: async ({ id = "" }) => {
        const provider = providerOf(id);
        if (!provider) return unknownProvider(id);
        return { status: 200, type: CALENDAR_TYPE, body: calendarFile(catalog, links, provider) };
      },
    },
  ];
}

/** Runs one route and sends its answer; a failure is logged and answered with a plain 500 page. */
export async function serve(
  route: WebRoute,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
  deps: Pick<WebDeps, "logger">,
): Promise<void> {
  let answer: WebResponse;
  try {
    answer = await route.answer(params);
  } catch (err) {
    deps.logger.error(`web ${req.url ?? ""}: ${(err as Error).message}`);
    answer = {
      status: 500,
      type: "text/plain; charset=utf-8",
      body: "Something went wrong on our side. Please try again later.\n",
    };
  }
  try {
    send(req, res, answer);
  } catch (err) {
    deps.logger.error(`web ${req.url ?? ""}: could not answer: ${(err as Error).message}`);
    res.destroy();
  }
}
