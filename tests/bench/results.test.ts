import { describe, expect, it } from "vitest";
import { type BenchRun, mergeResults, nodeMajor, parseResults } from "../../bench/results.mjs";

const run = (suite: string, nodeVersion: string, text: string): BenchRun => ({
  suite,
  nodeVersion,
  at: new Date("2026-12-01T10:00:00Z"),
  machine: "2 × AMD EPYC · load 0.50 0.40 0.30",
  seconds: 15.2,
  text,
});

describe("bench/results.md", () => {
  it("names the exact Node version, time, machine and duration of each suite's result", () => {
    const md = mergeResults("", [run("commands", "v24.22.3", "### table\n| a |\n")]);
    expect(md).toContain(
      "### commands · Node v24.22.3 · 2026-12-01T10:00:00.000Z · 2 × AMD EPYC · load 0.50 0.40 0.30 · 15 s",
    );
    // The suite's own headings sit one level below the suite's heading.
    expect(md).toContain("#### table\n| a |");
    expect(md).toContain("## Node 24");
  });

  it("keeps the other Node line's results: a Node 20 run after a Node 24 run leaves both", () => {
    const after24 = mergeResults("", [
      run("commands", "v24.22.3", "fast"),
      run("monitor", "v24.22.3", "m24"),
    ]);
    const both = mergeResults(after24, [run("commands", "v20.20.2", "slow")]);
    const results = parseResults(both);
    expect([...results.keys()].sort()).toEqual(["20/commands", "24/commands", "24/monitor"]);
    expect(results.get("24/commands")?.body).toContain("Node v24.22.3");
    expect(results.get("20/commands")?.body).toContain("Node v20.20.2");
    // Newest line first.
    expect(both.indexOf("## Node 24")).toBeLessThan(both.indexOf("## Node 20"));
  });

  it("replaces only the suite that ran, on its own line", () => {
    const first = mergeResults("", [
      run("commands", "v20.20.2", "old c"),
      run("monitor", "v20.20.2", "old m"),
    ]);
    const second = mergeResults(first, [run("monitor", "v20.21.0", "new m")]);
    const results = parseResults(second);
    expect(results.get("20/commands")?.body).toContain("old c");
    expect(results.get("20/monitor")?.body).toContain("new m");
    expect(results.get("20/monitor")?.body).toContain("Node v20.21.0");
    expect(second).not.toContain("old m");
    // Merging is stable: the file read back and merged with nothing is unchanged.
    expect(mergeResults(second, [])).toBe(second);
  });

  it("treats a file without result markers (the old single-run format) as empty", () => {
    const md = mergeResults("# Benchmark results\n\n2026-11-29 · Node v20.20.2\n\n## commands\n", [
      run("fanout", "v24.22.3", "f"),
    ]);
    expect([...parseResults(md).keys()]).toEqual(["24/fanout"]);
    expect(md).not.toContain("2026-11-29");
  });

  it("reads the major line from process.version and refuses anything else", () => {
    expect(nodeMajor("v20.20.2")).toBe(20);
    expect(nodeMajor("24.22.3")).toBe(24);
    expect(() => nodeMajor("lts")).toThrow(/not a Node.js version/);
  });
});
