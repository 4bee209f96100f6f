// `npm run bench`: every benchmark, each against its baseline measured in the same run. Results are printed
// and written to bench/results.md (the README quotes them). One suite may be chosen: `npm run bench -- monitor`.
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommandsBench } from "./commands.mjs";
import { runFanoutBench } from "./fanout.mjs";
import { runMonitorBench } from "./monitor.mjs";
import { runRemindersBench } from "./reminders.mjs";

const suites = {
  commands: () => runCommandsBench(),
  fanout: () => runFanoutBench(),
  monitor: () => runMonitorBench(),
  reminders: () => runRemindersBench(),
};

const chosen = process.argv.slice(2).filter((a) => a in suites);
const names = chosen.length ? chosen : Object.keys(suites);
const sections = [
  `# Benchmark results`,
  "",
  `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? "CPU"} · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
];
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  const started = Date.now();
  const { text } = await suites[name]();
  sections.push("", `## ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`, "", text);
  console.log(`\n${text}`);
}
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), "results.md"), `${sections.join("\n")}\n`);
