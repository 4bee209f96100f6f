// `npm run bench`: every benchmark, each against its baseline measured in the same run. Results are printed
// and written to bench/results.md (the README quotes them). One suite may be chosen: `npm run bench -- monitor`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommandsBench } from "./commands.mjs";
import { runFanoutBench } from "./fanout.mjs";
import { runMonitorBench } from "./monitor.mjs";
import { runRemindersBench } from "./reminders.mjs";
import { runWebBench } from "./web.mjs";

const suites = {
  commands: () => runCommandsBench(),
  fanout: () => runFanoutBench(),
  monitor: () => runMonitorBench(),
  reminders: () => runRemindersBench(),
  web: () => runWebBench(),
};

const chosen = process.argv.slice(2).filter((a) => a in suites);
const names = chosen.length ? chosen : Object.keys(suites);
const machine = `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? "CPU"} · load ${loadavg()
  .map((l) => l.toFixed(2))
  .join(" ")}`;
const resultsFile = join(dirname(fileURLToPath(import.meta.url)), "results.md");

/** The suites' sections already in results.md, so running one suite does not drop the others' results. */
function previousSections() {
  const bySuite = new Map();
  if (!existsSync(resultsFile)) return bySuite;
  const parts = readFileSync(resultsFile, "utf8")
    .split(/^(?=## )/m)
    .slice(1);
  for (const part of parts) {
    const name = /^## (\S+)/.exec(part)?.[1];
    if (name) bySuite.set(name, part.trimEnd());
  }
  return bySuite;
}

const sections = previousSections();
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  const started = Date.now();
  const { text } = await suites[name]();
  sections.set(name, `## ${name} (${((Date.now() - started) / 1000).toFixed(0)} s · ${machine})\n\n${text}`);
  console.log(`\n${text}`);
}
const ordered = Object.keys(suites)
  .filter((name) => sections.has(name))
  .map((name) => sections.get(name));
writeFileSync(resultsFile, `# Benchmark results\n\nLast run: ${machine}\n\n${ordered.join("\n\n")}\n`);
