import { type ChangeObject, diffWordsWithSpace } from "diff";

/**
 * The change page's diff: paragraphs (one line of extracted text each) that were added, removed or
 * edited, with an inline word diff inside edited paragraphs, and the unchanged paragraphs between
 * changes folded except for `context` paragraphs on each side.
 */

export interface WordPart {
  readonly change: "added" | "removed" | "same";
  readonly text: string;
}

export type DiffRow =
  | { readonly kind: "same"; readonly text: string }
  | { readonly kind: "added" | "removed"; readonly text: string }
  | { readonly kind: "edited"; readonly parts: readonly WordPart[] }
  | { readonly kind: "folded"; readonly texts: readonly string[] };

/** A word diff of paragraphs longer than this costs more than it helps: it is shown as removed + added. */
const MAX_WORD_DIFF_CHARS = 20_000;
/** Below this share of unchanged characters, two paragraphs are different paragraphs, not an edit. */
const MIN_SHARED = 0.4;
const WORD_DIFF_TIMEOUT_MS = 200;

const linesOf = (value: string) =>
  value
    .replace(/\n$/, "")
    .split("\n")
    .filter((l) => l.trim() !== "");

function wordDiff(before: string, after: string): WordPart[] | undefined {
  if (before.length + after.length > MAX_WORD_DIFF_CHARS) return undefined;
  const changes = diffWordsWithSpace(before, after, { timeout: WORD_DIFF_TIMEOUT_MS });
  if (!changes) return undefined;
  const shared = changes.filter((c) => !c.added && !c.removed).reduce((n, c) => n + c.value.length, 0);
  if (shared / Math.max(before.length, after.length, 1) < MIN_SHARED) return undefined;
  return changes.map((c) => ({ change: c.added ? "added" : c.removed ? "removed" : "same", text: c.value }));
}

/** Pairs a run of removed paragraphs with the added run that replaced it, paragraph by paragraph. */
function pairRun(removed: string[], added: string[]): DiffRow[] {
  const rows: DiffRow[] = [];
  const pairs = Math.min(removed.length, added.length);
  for (let i = 0; i < pairs; i++) {
    const before = removed[i] as string;
    const after = added[i] as string;
    const parts = wordDiff(before, after);
    if (parts) rows.push({ kind: "edited", parts });
    else rows.push({ kind: "removed", text: before }, { kind: "added", text: after });
  }
  for (const text of removed.slice(pairs)) rows.push({ kind: "removed", text });
  for (const text of added.slice(pairs)) rows.push({ kind: "added", text });
  return rows;
}

/** `changes` is the line diff of the two versions (monitor's `lineChanges`), computed once by the caller. */
export function diffRows(changes: readonly ChangeObject<string>[], context = 1): DiffRow[] {
  const rows: DiffRow[] = [];
  for (let i = 0; i < changes.length; i++) {
    const part = changes[i] as ChangeObject<string>;
    if (part.removed) {
      const next = changes[i + 1];
      const added = next?.added ? linesOf(next.value) : [];
      if (next?.added) i++;
      rows.push(...pairRun(linesOf(part.value), added));
    } else if (part.added) {
      for (const text of linesOf(part.value)) rows.push({ kind: "added", text });
    } else {
      for (const text of linesOf(part.value)) rows.push({ kind: "same", text });
    }
  }
  return fold(rows, context);
}

/** Keeps `context` unchanged paragraphs next to each change and folds every longer unchanged run. */
function fold(rows: DiffRow[], context: number): DiffRow[] {
  const keep = rows.map((r) => r.kind !== "same");
  rows.forEach((row, i) => {
    if (row.kind === "same") return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) keep[j] = true;
  });
  const out: DiffRow[] = [];
  let folded: string[] = [];
  const flush = () => {
    if (folded.length > 0) out.push({ kind: "folded", texts: folded });
    folded = [];
  };
  rows.forEach((row, i) => {
    if (keep[i] || row.kind !== "same") {
      flush();
      out.push(row);
    } else folded.push(row.text);
  });
  flush();
  return out;
}
