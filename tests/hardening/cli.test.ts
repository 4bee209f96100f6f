import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERBS } from "../../src/cli/verbs.js";
import { describeFailure, runCli } from "../../src/cli.js";

const CLI = join(import.meta.dirname, "../../dist/cli.js");
process.env.DATABASE_URL = "sqlite::memory:";

function sink(isTTY = false) {
  let text = "";
  return {
    isTTY,
    write(s: string) {
      text += s;
      return true;
    },
    get text() {
      return text;
    },
  };
}

async function run(args: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const out = sink(options.tty);
  const err = sink();
  let code: number;
  try {
    code = await runCli(args, out, err, options.env ?? {});
  } catch (e) {
    const known = describeFailure(e);
    if (!known) throw e;
    err.write(known);
    code = 2;
  }
  return { code, out: out.text, err: err.text };
}

describe("the CLI (issue 8, item 22)", () => {
  it("every verb answers --help with its usage and exit 0", async () => {
    for (const [name, verb] of Object.entries(VERBS)) {
      const res = await run([name, "--help"]);
      expect(res, name).toMatchObject({ code: 0, err: "" });
      expect(res.out, name).toContain(`Usage: ${verb.usage}`);
    }
    expect((await run(["help", "deadlines"])).out).toContain("Usage: ai-privacy deadlines [--json]");
  });

  it("--json works on every listing verb and is refused with a message elsewhere", async () => {
    for (const args of [["providers"], ["deadlines"], ["outbox"], ["history", "claude"]]) {
      const res = await run([...args, "--json"]);
      expect(res.code, args[0]).toBe(0);
      expect(() => JSON.parse(res.out), args[0]).not.toThrow();
    }
    const refused = await run(["reviewed", "claude", "--json"]);
    expect(refused).toMatchObject({ code: 2, out: "" });
    expect(refused.err).toContain("ai-privacy reviewed has no --json output");
  });

  it("catalog validate refuses unknown keys, with or without the older --strict flag", async () => {
    const ok = await run(["catalog", "validate", "--strict"]);
    expect(ok).toMatchObject({ code: 0, out: "OK: 26 providers (built-in)\n" });
    const file = join(mkdtempSync(join(tmpdir(), "aipb-strict-")), "overlay.yaml");
    writeFileSync(
      file,
      "providers:\n  - id: acme-ai\n    name: Acme AI\n    trainsByDefalt: { value: yes }\n",
    );
    for (const args of [
      ["catalog", "validate", file],
      ["catalog", "validate", "--strict", file],
    ]) {
      const refused = await run(args);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain(`${file}: providers[0]: Unrecognized key: "trainsByDefalt"`);
    }
  });

  it("exit codes: unknown provider, document or campaign and bad arguments → 2", async () => {
    for (const args of [
      ["ask", "zzzqqqx"],
      ["history", "nope"],
      ["reviewed", "nope"],
      ["check", "--provider", "nope"],
      ["export", "999"],
      ["export", "abc"],
      ["diff"],
      ["providers", "--nope"],
      ["nope"],
    ]) {
      const res = await run(args);
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.err, args.join(" ")).not.toMatch(/at .*\.js:\d+/);
    }
    expect((await run(["ask", "claude"])).code).toBe(0);
  });

  it("styling only on a terminal without NO_COLOR; no Slack-only markup in terminal text", async () => {
    const tty = await run(["ask", "claude"], { tty: true });
    expect(tty.out).toContain("\x1b[1m");
    const noColor = await run(["ask", "claude"], { tty: true, env: { NO_COLOR: "1" } });
    const piped = await run(["ask", "claude"]);
    for (const text of [noColor.out, piped.out]) {
      expect(text).not.toContain("\x1b[");
      expect(text).not.toContain("[Share in channel]");
      expect(text).not.toContain("`");
    }
    expect(piped.out).toContain("  → Open the setting: https://claude.ai/settings/data-privacy-controls");
    const myData = await run(["ask", "my-data"]);
    expect(myData.out).not.toContain("_none_");
    expect(myData.out).toContain("\nnone\n");
  });

  it.skipIf(!existsSync(CLI))(
    "`providers --json | head` ends quietly when the reader goes away",
    async () => {
      const errFile = join(mkdtempSync(join(tmpdir(), "aipb-epipe-")), "stderr.txt");
      // A real shell pipeline: head reads 10 bytes and exits while the CLI is still writing ~100 KB.
      const child = spawn(
        "bash",
        ["-c", '"$NODE" "$CLI" providers --json 2>"$ERR" | head -c 10 >/dev/null; echo "$PIPESTATUS"'],
        {
          env: { ...process.env, NODE: process.execPath, CLI, ERR: errFile, DATABASE_URL: "sqlite::memory:" },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let stdout = "";
      child.stdout.on("data", (d) => {
        stdout += String(d);
      });
      await new Promise((resolve) => child.on("close", resolve));
      expect(readFileSync(errFile, "utf8")).toBe("");
      expect(stdout.trim()).toBe("0");
    },
  );
});
