import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // SQLite files and loopback servers are per test file; files run in parallel worker processes.
    pool: "forks",
  },
});
