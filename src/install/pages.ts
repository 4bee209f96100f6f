import type { ServerResponse } from "node:http";
import { escapeHtml } from "../web/index.js";

/**
 * The few pages a person sees while installing: the "Add to Slack" page, the result, and what to do when
 * something went wrong. Plain HTML, every value escaped (team names and Slack's error codes are not ours),
 * no scripts, nothing loaded from elsewhere.
 */

export type InstallProblem =
  | { kind: "denied" }
  | { kind: "slack-error"; error: string }
  | { kind: "missing-code" }
  | { kind: "bad-state" }
  | { kind: "exchange-refused"; error: string }
  | { kind: "unreachable" }
  | { kind: "internal" };

const PAGE_POLICY =
  "default-src 'none'; img-src https://platform.slack-edge.com; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ai-privacy-bot</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}

export function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": PAGE_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  res.end(html);
}

/** The install page: Slack's own "Add to Slack" button image (docs.slack.dev/slack-marketplace, buttons). */
export function installPage(authorizeUrl: string): string {
  const href = escapeHtml(authorizeUrl);
  return page(
    "Add ai-privacy-bot to Slack",
    `<p>ai-privacy-bot answers <code>/ai-privacy</code> with sourced opt-out steps for AI services, announces
deadlines and policy changes in the channels you subscribe, and sends opt-out reminders.</p>
<p><a href="${href}"><img alt="Add to Slack" height="40" width="139"
src="https://platform.slack-edge.com/img/add_to_slack.png"></a></p>
<p>The link is valid for ten minutes, in this browser only. If it has expired, reload this page.</p>`,
  );
}

export function installedPage(where: string): string {
  return page(
    "Installed",
    `<p>ai-privacy-bot is installed in <strong>${escapeHtml(where)}</strong>. In Slack, type
<code>/ai-privacy claude</code> to try it, and invite the app to a channel before <code>/ai-privacy subscribe</code>.</p>
<p>You can close this page.</p>`,
  );
}

/** What went wrong and what to do, for each way an install can fail. Nothing was stored in any of them. */
export function problemPage(problem: InstallProblem, installPath: string): { status: number; html: string } {
  const again = `<p><a href="${escapeHtml(installPath)}">Start the install again</a>.</p>`;
  const nothing = "<p>Nothing was installed.</p>";
  switch (problem.kind) {
    case "denied":
      return {
        status: 400,
        html: page(
          "Install cancelled",
          `<p>You chose not to allow ai-privacy-bot in your workspace.</p>${nothing}${again}`,
        ),
      };
    case "slack-error":
      return {
        status: 400,
        html: page(
          "Slack did not finish the install",
          `<p>Slack sent back the error <code>${escapeHtml(problem.error)}</code>.</p>${nothing}${again}`,
        ),
      };
    case "missing-code":
      return {
        status: 400,
        html: page(
          "This install link is incomplete",
          `<p>The address has no <code>code</code> from Slack: open this page only by coming back from Slack's install screen.</p>${nothing}${again}`,
        ),
      };
    case "bad-state":
      return {
        status: 400,
        html: page(
          "This install link has expired or was already used",
          `<p>Install links work once, for ten minutes, in the browser that started them.</p>${nothing}${again}`,
        ),
      };
    case "exchange-refused":
      return {
        status: 400,
        html: page(
          "Slack refused the install",
          `<p>Slack answered <code>${escapeHtml(problem.error)}</code> when the install was completed. If starting again does not help, whoever runs this bot should check <code>SLACK_CLIENT_ID</code>, <code>SLACK_CLIENT_SECRET</code> and the app's redirect URL.</p>${nothing}${again}`,
        ),
      };
    case "unreachable":
      return {
        status: 502,
        html: page(
          "Slack could not be reached",
          `<p>The install could not be completed because Slack did not answer. Please try again in a minute.</p>${nothing}${again}`,
        ),
      };
    case "internal":
      return {
        status: 500,
        html: page(
          "The install failed",
          `<p>Something went wrong on our side; it has been logged.</p>${nothing}${again}`,
        ),
      };
  }
}
