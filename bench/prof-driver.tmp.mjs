import { fork } from "node:child_process";
import { load, slashBody } from "./lib.mjs";
const kind = process.argv[2] ?? "bot";
const child = fork(new URL("./commands.mjs", import.meta.url).pathname, ["--server", kind], {
  execArgv: ["--import", "/tmp/exit-on-int.mjs", "--cpu-prof", "--cpu-prof-dir=/tmp/prof-" + kind],
});
const port = await new Promise((r) => child.on("message", (m) => m.port && r(m.port)));
const providers = ["claude", "chatgpt", "gemini", "copilot", "chat gpt", "claud", "perplexity", "grok"];
let i = 0;
const url = `http://127.0.0.1:${port}/slack/events`;
await load(url, () => slashBody(providers[i++ % providers.length]), { total: 1000, concurrency: 10 });
const t = performance.now();
await load(url, () => slashBody(providers[i++ % providers.length]), { total: 6000, concurrency: 50 });
console.log(kind, "6000 req in", Math.round(performance.now() - t), "ms");
child.kill("SIGINT");
await new Promise((r) => child.on("exit", r));
