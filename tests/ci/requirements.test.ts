// README's requirements, package.json's engines and the Node versions .ci/run tests must say the same thing.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");
const engines: string = JSON.parse(read("package.json")).engines.node;
const readme = read("README.md");
const ciVersions = /CI_NODE_VERSIONS:-([\d. ]+)\}/.exec(read(".ci/run"))?.[1]?.trim().split(/\s+/) ?? [];
const requirements = readme.split("\n\n").find((p) => p.startsWith("Requirements:")) ?? "";

describe("supported Node versions", () => {
  it(".ci/run names the Node versions it installs besides the machine's", () => {
    expect(ciVersions.length).toBeGreaterThan(0);
    for (const v of ciVersions) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("README's requirements line quotes package.json's engines", () => {
    expect(requirements).toContain(`\`${engines}\``);
  });

  it("every Node line CI tests is one that engines allows, and README says CI tests it", () => {
    const lines = engines.split("||").map((range) => range.trim());
    for (const version of ciVersions) {
      const [major, minor] = version.split(".");
      const allowed = lines.some((range) => {
        const floor = /^(\^|>=)(\d+)\./.exec(range);
        return floor?.[1] === "^" ? floor[2] === major : Number(major) >= Number(floor?.[2]);
      });
      expect(allowed, `${version} within ${engines}`).toBe(true);
      expect(requirements).toContain(`${major}.${minor}`);
      expect(readme).toContain(version);
    }
  });
});

// Both stores without doubling CI's time: one pass runs the end-to-end suites on each.
describe("the stores CI tests", () => {
  const run = read(".ci/run");
  const ci = readme.split("\n\n").find((p) => p.startsWith("CI (`CI=true bash .ci/run`")) ?? "";

  it("runs the machine's pass on SQLite and each other version's pass on PostgreSQL", () => {
    expect(run).toContain("TEST_STORE=$store npm test");
    expect(run).toMatch(/^run_pass "node\$\(node -p [^\n]*\)" sqlite$/m);
    expect(run).toMatch(/^ {2}PATH=[^\n]* run_pass "node\$\{version%%\.\*\}" postgres$/m);
  });

  it("README's CI paragraph says which pass runs on which store, and how to run one locally", () => {
    expect(ci).toContain("machine's Node (20) on SQLite");
    expect(ci).toContain("`TEST_STORE=postgres`");
    expect(readme).toContain("TEST_STORE=postgres TEST_DATABASE_URL=");
  });
});
