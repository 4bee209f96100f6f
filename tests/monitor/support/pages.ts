import { randomUUID } from "node:crypto";

/** Synthetic policy pages: the same text can be wrapped in fresh nonces, link targets and markup. */

export const BASE_PARAGRAPHS = [
  "We use your conversations to improve our models unless you opt out in Settings > Privacy.",
  "We keep your chats for 30 days after you delete them.",
  "We do not sell your personal data to third parties.",
];

export function policyPage(paragraphs: readonly string[], options: { churn?: boolean } = {}): string {
  const nonce = randomUUID();
  const link = `https://claude.example/redirect/website.v1.${randomUUID()}`;
  const wrap = options.churn
    ? (p: string) => `<div class="c-${nonce.slice(0, 6)}"><p>${p}</p></div>`
    : (p: string) => `<p>${p}</p>`;
  return `<!doctype html><html><head><title>Privacy Policy</title>
<script nonce="${nonce}">window.__BUILD="${randomUUID()}"</script>
<link rel="stylesheet" href="/assets/app.${nonce.slice(0, 8)}.css"></head>
<body><nav>Home · Pricing</nav>
<main>
<h1>Privacy Policy</h1>
<p>Effective date: March 5, 2025</p>
${paragraphs.map(wrap).join("\n")}
<p>Change this in <a href="${link}?utm_source=site">Privacy Settings</a>.</p>
<div hidden>Internal note that no reader sees ${nonce}</div>
</main>
<footer>© Acme ${nonce}</footer></body></html>`;
}

export const emptySelectionPage = `<!doctype html><html><head><title>Privacy</title></head>
<body><div id="app"></div><script src="/app.js"></script></body></html>`;

export const challengePage = `<!doctype html><html><head><title>Just a moment...</title></head>
<body><main><div id="challenge-stage">Checking if the site connection is secure. This takes a few seconds and needs
JavaScript and cookies enabled in your browser to continue to the page you asked for.</div></main></body></html>`;

/**
 * What the HTTP fetcher answers for a page: its bytes (UTF-8) in a fresh buffer each call, because the
 * policy check moves them to a worker thread (which leaves the caller's buffer empty).
 */
export function fetchedPage(html: string, etag: string | null = null) {
  const body = new TextEncoder().encode(html);
  return {
    kind: "page" as const,
    body,
    contentType: "text/html; charset=utf-8",
    bytes: body.length,
    etag,
    lastModified: null,
  };
}
