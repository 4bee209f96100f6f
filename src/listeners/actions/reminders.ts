import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { providerReply } from "../../commands/index.js";
import type { AppDeps } from "../../deps.js";
import {
  ACTION,
  addAnotherAccount,
  answerClick,
  answerPlanClick,
  buildHome,
  type Click,
  controlCampaign,
  forgetMe,
  type Rendered,
  renderForgotten,
  setTools,
  toolOptions,
  workspaceToday,
} from "../../reminders/index.js";
import type { AnswerState } from "../../store/index.js";
import { apology } from "../apology.js";
import type { Listeners } from "../router.js";
import { escalationHandlers } from "./escalation.js";

/** The block_actions fields the reminder buttons rely on, validated. */
const Body = z.object({
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string().min(1) }).nullish(),
  container: z.object({ type: z.string() }).passthrough(),
  trigger_id: z.string().optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        value: z.string().max(2000).optional(),
        selected_options: z.array(z.object({ value: z.string() })).optional(),
      }),
    )
    .min(1),
});
type Body = z.infer<typeof Body>;

const StateValue = z
  .string()
  .regex(/^\d{1,15}(:(pending|done|snoozed|not_using|not_affected))?$/)
  .transform((v) => {
    const [id, from] = v.split(":");
    return { stateId: Number(id), from: from as Exclude<AnswerState, "unreachable"> | undefined };
  });

/** A plan button's value: the state and the plan's key (plans.ts). */
const PlanValue = z
  .string()
  .regex(/^\d{1,15}:[0-9a-f]{12}$/)
  .transform((v) => {
    const [id, key] = v.split(":");
    return { stateId: Number(id), key: key ?? "" };
  });

const CLICKS: Record<string, Click> = {
  [ACTION.done]: "done",
  [ACTION.later]: "later",
  [ACTION.notUsing]: "not_using",
  [ACTION.undo]: "undo",
};

/**
 * Work after the ack starts one click per event-loop turn: between two clicks' work the loop reads the
 * sockets again, so a burst of clicks is acknowledged first and no ack waits behind a queue of work.
 */
let tail: Promise<void> = Promise.resolve();
const nextTurn = (): Promise<void> => {
  tail = tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return tail;
};

type Args = { ack: () => Promise<void>; body: unknown; respond?: RespondFn; client: WebClient };

export function registerReminderActions(app: Listeners, deps: AppDeps): void {
  const fromHome = (b: Body) => b.container.type === "view";
  // An org-wide install's clicks carry `team: null`; the person's workspace is then `user.team_id` (as
  // Bolt reads it for authorize, docs.slack.dev/reference/interaction-payloads/block_actions-payload).
  const teamOf = (b: Body) => b.team?.id ?? b.user.team_id ?? "";
  const refreshHome = async (b: Body) =>
    deps.slack.publishHome(b.user.id, await buildHome(deps, { teamId: teamOf(b), userId: b.user.id }));
  const reply = async (respond: RespondFn | undefined, message: Rendered, replace: boolean) => {
    await respond?.({
      ...message,
      replace_original: replace,
      ...(replace ? {} : { response_type: "ephemeral" as const }),
    });
  };

  const handlers = new Map<string, (body: Body, args: Args) => Promise<void>>();
  const on = (actionId: string, work: (body: Body, args: Args) => Promise<void>) =>
    handlers.set(actionId, work);

  // One route for every reminder button, so that one place parses the body and answers a failure. Ack first — Slack's 3-second budget, and fast under bursts —
  // then wait for this click's turn (see nextTurn).
  app.action(/^rem_/, async (args) => {
    await args.ack();
    await nextTurn();
    const parsed = Body.safeParse(args.body);
    const actionId = parsed.success ? (parsed.data.actions[0]?.action_id ?? "") : "";
    // Plan buttons share one handler: `rem_plan.<n>` (action ids must be unique within a block).
    const work = handlers.get(actionId) ?? handlers.get(actionId.split(".")[0] ?? "");
    // Never leave a click unanswered: a problem gets a private note instead of silence.
    const apologise = (text: string) =>
      args
        .respond?.({ response_type: "ephemeral", replace_original: false, text: `:warning: ${text}` })
        .catch(() => undefined);
    if (!parsed.success || !work) {
      deps.logger.warn(`reminder action ${actionId || "?"}: unreadable or unknown block_actions payload`);
      await apologise("I couldn't read that button. It may be from an older version of this message.");
      return;
    }
    try {
      await work(parsed.data, args as unknown as Args);
    } catch (err) {
      deps.logger.error(`${actionId} failed: ${(err as Error).message}`);
      await apologise(apology(err));
    }
  });

  for (const [actionId, click] of Object.entries(CLICKS)) {
    on(actionId, async (body, { respond }) => {
      const value = StateValue.safeParse(body.actions[0]?.value ?? "");
      if (!value.success) return;
      const result = await answerClick(deps, {
        stateId: value.data.stateId,
        teamId: teamOf(body),
        actorId: body.user.id,
        click,
        undoFrom: value.data.from,
        now: deps.now(),
        via: fromHome(body) ? "home" : "dm",
      });
      if (fromHome(body)) await refreshHome(body);
      else await reply(respond, result.message, result.replace);
    });
  }

  for (const [actionId, kind] of [
    [ACTION.plan, "choose"],
    [ACTION.planChange, "change"],
  ] as const) {
    on(actionId, async (body, { respond }) => {
      const value = PlanValue.safeParse(body.actions[0]?.value ?? "");
      if (!value.success) return;
      const result = await answerPlanClick(deps, {
        stateId: value.data.stateId,
        teamId: teamOf(body),
        actorId: body.user.id,
        click: { kind, key: value.data.key },
        now: deps.now(),
      });
      await reply(respond, result.message, result.replace);
    });
  }

  on(ACTION.anotherAccount, async (body, { respond }) => {
    const stateId = Number(body.actions[0]?.value);
    if (!Number.isSafeInteger(stateId)) return;
    const result = await addAnotherAccount(deps, {
      stateId,
      teamId: teamOf(body),
      actorId: body.user.id,
      now: deps.now(),
    });
    await reply(respond, result.message, result.replace);
  });

  on(ACTION.steps, async (body, { respond, client }) => {
    const provider = deps.catalog.byId(body.actions[0]?.value ?? "");
    if (!provider) return;
    const steps = await providerReply(provider, workspaceToday(deps.now(), deps.config), deps, true);
    if (fromHome(body) && body.trigger_id) {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: "modal",
          title: { type: "plain_text", text: "Opt-out steps" },
          close: { type: "plain_text", text: "Close" },
          blocks: steps.blocks,
        },
      });
    } else await reply(respond, { text: steps.text, blocks: steps.blocks }, false);
  });

  for (const [actionId, handle] of Object.entries(escalationHandlers(deps)))
    on(actionId, (body, { respond, client }) =>
      handle({
        userId: body.user.id,
        teamId: teamOf(body),
        value: body.actions[0]?.value ?? "",
        respond,
        client,
      }),
    );

  // A link button still sends an action; acknowledging it is all there is to do.
  on(ACTION.openSettings, async () => {});

  on(ACTION.tools, async (body) => {
    const selected = body.actions[0]?.selected_options?.map((o) => o.value) ?? [];
    await setTools(deps, {
      teamId: teamOf(body),
      userId: body.user.id,
      providerIds: selected,
      now: deps.now(),
    });
    await refreshHome(body);
  });

  // "Tools I use" search for catalogs too big to list in the menu (multi_external_select).
  app.options(ACTION.tools, async ({ ack, payload }) => {
    const query = z.object({ value: z.string().max(200).default("") }).safeParse(payload);
    await ack({ options: toolOptions(deps.catalog, query.success ? query.data.value : "") });
  });

  on(ACTION.closeCampaign, async (body) => {
    const campaignId = Number(body.actions[0]?.value);
    if (!Number.isSafeInteger(campaignId)) return;
    await controlCampaign(deps, {
      campaignId,
      teamId: teamOf(body),
      actorId: body.user.id,
      control: { kind: "close" },
      now: deps.now(),
    });
    await refreshHome(body);
  });

  for (const [actionId, kind] of [
    [ACTION.recheckToggle, "recheck"],
    [ACTION.joinersToggle, "joiners"],
  ] as const)
    on(actionId, async (body) => {
      const match = /^(\d+):(on|off)$/.exec(body.actions[0]?.value ?? "");
      if (!match) return;
      await controlCampaign(deps, {
        campaignId: Number(match[1]),
        teamId: teamOf(body),
        actorId: body.user.id,
        control: { kind, on: match[2] === "on" },
        now: deps.now(),
      });
      await refreshHome(body);
    });

  on(ACTION.forgetConfirm, async (body, { respond }) => {
    // Only the person who asked can confirm, and only about themselves.
    if (body.actions[0]?.value !== body.user.id) return;
    const summary = await forgetMe(deps.store, {
      teamId: teamOf(body),
      userId: body.user.id,
      now: deps.now(),
    });
    await reply(respond, renderForgotten(summary), true);
    await refreshHome(body);
  });

  on(ACTION.forgetCancel, async (_body, { respond }) => {
    await reply(
      respond,
      {
        text: "Nothing deleted",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "OK, nothing deleted." } }],
      },
      true,
    );
  });
}
