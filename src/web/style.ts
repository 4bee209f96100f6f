/**
 * The one stylesheet, served from /assets/web.css so the Content-Security-Policy needs no inline style.
 * Colours meet WCAG 2.2 AA contrast (4.5:1 for text) on their backgrounds; the layout is one column
 * that fits a phone; print drops navigation and shows link targets.
 */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --link: #0b4f9c;
  --ins-bg: #dcf5e1; --ins-ink: #0b3d17; --del-bg: #fde2e2; --del-ink: #6b0f0f; --warn-bg: #fff4d1; }
* { box-sizing: border-box; }
html { font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0 auto; max-width: 46rem; padding: 0 1rem 3rem; overflow-wrap: anywhere; }
a { color: var(--link); }
a:focus-visible, summary:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { position: static; display: inline-block; padding: .5rem; }
header.site { border-bottom: 1px solid var(--line); padding: .75rem 0; margin-bottom: 1rem; }
header.site nav ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
dl.facts { display: grid; grid-template-columns: minmax(7rem, 14rem) 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.muted, footer { color: var(--muted); }
footer { border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 1rem; font-size: .9rem; }
.warn { background: var(--warn-bg); padding: .5rem .75rem; border-left: 4px solid #8a6d00; }
ul.highlights { padding-left: 1.2rem; }
.diff p { margin: .4rem 0; padding: .35rem .6rem; border-left: 4px solid transparent; }
.diff p.added { background: var(--ins-bg); color: var(--ins-ink); border-left-color: #1d7a35; }
.diff p.removed { background: var(--del-bg); color: var(--del-ink); border-left-color: #a51d1d; text-decoration: line-through; }
.diff p.edited { border-left-color: #555; }
.diff ins { background: var(--ins-bg); color: var(--ins-ink); text-decoration: underline; }
.diff del { background: var(--del-bg); color: var(--del-ink); text-decoration: line-through; }
.diff del + ins, .diff ins + del { margin-left: .2em; }
.diff details { margin: .4rem 0; padding: .25rem .6rem; border: 1px dashed var(--line); }
.diff summary { cursor: pointer; color: var(--muted); }
.tag { font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; margin-right: .4rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
nav.pager ul { list-style: none; padding: 0; display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
ol.steps li { margin: .2rem 0; }
@media (max-width: 36rem) {
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: .6rem; }
}
@media print {
  header.site, nav.pager, .skip, footer nav { display: none; }
  html { font-size: 11pt; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; color: var(--muted); }
  .diff details > *:not(summary) { display: block; }
}
`;
