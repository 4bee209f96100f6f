// `npm run bench`: every benchmark, each against its baseline measured in the same run. Results are printed
// and written to bench/results.md (the README quotes them), which keeps each suite's newest result per Node.js
// major line (bench/results.mjs). One suite may be chosen: `npm run bench -- monitor`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommandsBench } from "./commands.mjs";
import { runEscalationBench } from "./escalation.mjs";
import { runFanoutBench } from "./fanout.mjs";
import { runHardeningBench } from "./hardening.mjs";
import { runInstancesBench } from "./instances.mjs";
import { runJoinersBench } from "./joiners.mjs";
import { runMonitorBench } from "./monitor.mjs";
import { runRemindersBench } from "./reminders.mjs";
import { mergeResults } from "./results.mjs";
import { runWebBench } from "./web.mjs";
import { runWorkspacesBench } from "./workspaces.mjs";

const suites = {
  commands: () => runCommandsBench(),
  escalation: () => runEscalationBench(),
  fanout: () => runFanoutBench(),
  hardening: () => runHardeningBench(),
  instances: () => runInstancesBench(),
  joiners: () => runJoinersBench(),
  monitor: () => runMonitorBench(),
  reminders: () => runRemindersBench(),
  web: () => runWebBench(),
  workspaces: () => runWorkspacesBench(),
};

const chosen = process.argv.slice(2).filter((a) => a in suites);
const names = chosen.length ? chosen : Object.keys(suites);
// The load average is read as each suite starts: other work on the machine skews that suite's numbers.
const machine = () =>
  `${cpus().length} × ${cpus()[0]?.model ?? "CPU"} · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
console.log(`Node ${process.version} · ${machine()}`);
const runs = [];
for (const name of names) {
  process.stderr.write(`bench: ${name} on Node ${process.version}…\n`);
  const at = new Date();
  const started = { at, machine: machine() };
  const { text } = await suites[name]();
  const seconds = (Date.now() - at.getTime()) / 1000;
  runs.push({ suite: name, nodeVersion: process.version, ...started, seconds, text });
  console.log(`\n${text}`);
}
const file = join(dirname(fileURLToPath(import.meta.url)), "results.md");
writeFileSync(file, mergeResults(existsSync(file) ? readFileSync(file, "utf8") : "", runs));
