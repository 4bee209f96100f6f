// bench/results.md keeps the newest result of each suite per Node.js major line, so a run on Node 24 does
// not erase the Node 20 numbers, and `npm run bench -- monitor` replaces only the monitor result of its
// own line. Every result names the exact Node version (process.version) and machine it was measured on.
// Numbers from two Node lines are never compared with each other: every ratio is against a baseline
// measured in the same run.

const BLOCK = /<!-- bench node=(\d+) suite=([\w-]+) -->\n([\s\S]*?)<!-- \/bench -->\n?/g;

export const TITLE = "# Benchmark results";
const INTRO =
  "Written by `npm run bench`: the newest result of each suite, per Node.js major line. Every ratio is " +
  "against a baseline measured in the same run, on the Node version and machine named in its heading.";

/** The results already in the file, keyed `${major}/${suite}`; text without markers counts as none. */
export function parseResults(markdown) {
  const results = new Map();
  for (const [, major, suite, body] of markdown.matchAll(BLOCK)) {
    results.set(`${major}/${suite}`, { major: Number(major), suite, body });
  }
  return results;
}

/**
 * One suite's result as stored: a heading with suite, Node version, date, machine and duration, then the
 * suite's own text with its headings moved one level down (they sit under the suite's heading).
 * @param {{ suite: string, nodeVersion: string, at: Date, machine: string, seconds: number, text: string }} run
 */
export function renderResult({ suite, nodeVersion, at, machine, seconds, text }) {
  const body = text.replace(/^(#+) /gm, "#$1 ").trimEnd();
  return `### ${suite} · Node ${nodeVersion} · ${at.toISOString()} · ${machine} · ${seconds.toFixed(0)} s\n\n${body}\n\n`;
}

/** The Node.js major line of a `process.version` string ("v24.22.3" → 24). */
export function nodeMajor(nodeVersion) {
  const match = /^v?(\d+)\./.exec(nodeVersion);
  if (!match) throw new Error(`not a Node.js version: ${nodeVersion}`);
  return Number(match[1]);
}

/**
 * The new file: the previous results with this run's suites replaced (or added), newest Node line first,
 * suites in name order within a line.
 * @param {string} previous the current bench/results.md ("" when there is none)
 * @param {Array<Parameters<typeof renderResult>[0]>} runs
 */
export function mergeResults(previous, runs) {
  const results = parseResults(previous);
  for (const run of runs) {
    const major = nodeMajor(run.nodeVersion);
    results.set(`${major}/${run.suite}`, { major, suite: run.suite, body: renderResult(run) });
  }
  const ordered = [...results.values()].sort((a, b) => b.major - a.major || a.suite.localeCompare(b.suite));
  const out = [TITLE, "", INTRO, ""];
  let line;
  for (const { major, suite, body } of ordered) {
    if (major !== line) out.push(`## Node ${major}`, "");
    line = major;
    out.push(`<!-- bench node=${major} suite=${suite} -->\n${body}<!-- /bench -->`, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
