// Types for bench/results.mjs, so the tests (TypeScript, strict) can import it.
export interface BenchRun {
  suite: string;
  nodeVersion: string;
  at: Date;
  machine: string;
  seconds: number;
  text: string;
}
export const TITLE: string;
export function parseResults(markdown: string): Map<string, { major: number; suite: string; body: string }>;
export function renderResult(run: BenchRun): string;
export function nodeMajor(nodeVersion: string): number;
export function mergeResults(previous: string, runs: BenchRun[]): string;
