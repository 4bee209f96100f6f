import { createHash } from "node:crypto";
import { z } from "zod";
import type { Catalog, Provider } from "../catalog/index.js";
import { enqueueMessage, keys } from "../outbox/index.js";
import type { Store, Subscription } from "../store/index.js";
import { catalogChangeMessage, type FieldChange } from "./messages.js";

/**
 * Catalog-change announcements. The facts a channel relies on are snapshotted per provider in the
 * key-value store (`catalog-snapshot:<provider>`). When a new release or an edited overlay changes them,
 * subscribed channels (kind "catalog") get one message listing each changed field, old → new. A provider
 * seen for the first time is recorded silently (the baseline). Each change is also kept as an entry of the
 * catalog history (the web surface's catalog-updates feed). The announcement rows, the history entry and
 * the new snapshot are written in one transaction, so a crash never loses or repeats either.
 */

/** The facts worth announcing, flattened to comparable strings. */
export type CatalogFacts = Record<string, string>;

export interface CatalogSnapshot {
  hash: string;
  facts: CatalogFacts;
}

export interface CatalogChange {
  providerId: string;
  providerName: string;
  fromHash: string;
  toHash: string;
  fields: FieldChange[];
  /** True when the opt-out steps, the control's label or the settings link changed: people may need to act again. */
  optOutStepsChanged: boolean;
}

const STEP_FIELDS = /^(Opt-out steps|Setting label|Settings link)/;

export function catalogFacts(p: Provider): CatalogFacts {
  const facts: CatalogFacts = {
    "Trains by default": [p.trainsByDefault?.value ?? "unknown", p.trainsByDefault?.detail]
      .filter(Boolean)
      .join(" — "),
    "Opt-out": p.optOut?.available ?? "unknown",
    "Setting label": p.optOut?.label ?? "",
    "Settings link": p.optOut?.settingsUrl ?? "",
    "Retention with training": p.retention?.withTraining ?? "",
    "Retention without training": p.retention?.withoutTraining ?? "",
    "Who is affected": (p.tiers?.covered ?? []).join(", "),
  };
  for (const platform of p.optOut?.platforms ?? []) {
    const which = platform.variant ? `${platform.id}, ${platform.variant}` : platform.id;
    facts[`Opt-out steps (${which})`] = platform.steps.map((s, i) => `${i + 1}. ${s.text}`).join(" ");
  }
  for (const r of p.relatedSettings)
    facts[`Related setting (not training): ${r.label}`.slice(0, 120)] = [r.path, r.controls, r.default]
      .filter(Boolean)
      .join(" — ");
  for (const d of p.deadlines) facts[`Date: ${d.title}`.slice(0, 120)] = d.date;
  return facts;
}

export function snapshotOf(p: Provider): CatalogSnapshot {
  const facts = catalogFacts(p);
  const stable = JSON.stringify(
    Object.keys(facts)
      .sort()
      .map((k) => [k, facts[k]]),
  );
  return { hash: createHash("sha256").update(stable).digest("hex").slice(0, 12), facts };
}

export function diffFacts(before: CatalogFacts, after: CatalogFacts): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((f) => (before[f] ?? "") !== (after[f] ?? ""))
    .map((field) => ({ field, before: before[field] ?? "", after: after[field] ?? "" }));
}

/**
 * Pure: compares each provider with its previous snapshot. Providers without one are returned in
 * `baselines` (record silently); providers whose facts changed are returned in `changes`.
 */
export function detectCatalogChanges(
  providers: readonly Provider[],
  previous: (providerId: string) => CatalogSnapshot | undefined,
): { changes: CatalogChange[]; snapshots: Map<string, CatalogSnapshot>; baselines: string[] } {
  const changes: CatalogChange[] = [];
  const snapshots = new Map<string, CatalogSnapshot>();
  const baselines: string[] = [];
  for (const p of providers) {
    const next = snapshotOf(p);
    snapshots.set(p.id, next);
    const prev = previous(p.id);
    if (!prev) {
      baselines.push(p.id);
      continue;
    }
    if (prev.hash === next.hash) continue;
    const fields = diffFacts(prev.facts, next.facts);
    if (fields.length === 0) {
      baselines.push(p.id); // same facts, different hash (older snapshot format): refresh silently
      continue;
    }
    changes.push({
      providerId: p.id,
      providerName: p.name,
      fromHash: prev.hash,
      toHash: next.hash,
      fields,
      optOutStepsChanged: fields.some((f) => STEP_FIELDS.test(f.field)),
    });
  }
  return { changes, snapshots, baselines };
}

const SnapshotSchema = z.object({ hash: z.string(), facts: z.record(z.string(), z.string()) });

export const snapshotKey = (providerId: string) => `catalog-snapshot:${providerId}`;

function oneSubscriptionPerChannel(subs: readonly Subscription[]): Subscription[] {
  const seen = new Set<string>();
  return subs.filter((s) => {
    const k = `${s.teamId}/${s.channelId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface CatalogCheckResult {
  changes: CatalogChange[];
  baselines: string[];
  enqueued: number;
}

/** Detects changes, enqueues one message per subscribed channel and stores the new snapshots. */
export async function runCatalogCheck(deps: {
  store: Store;
  catalog: Catalog;
  now: () => Date;
}): Promise<CatalogCheckResult> {
  const { store, catalog } = deps;
  const now = deps.now();
  let enqueued = 0;
  // Snapshots are read in the same transaction that replaces them, so two runs never both announce.
  const { changes, baselines } = await store.transaction(async (tx) => {
    const stored = new Map<string, unknown>();
    for (const p of catalog.providers) stored.set(p.id, await tx.kv.get(snapshotKey(p.id)));
    // A snapshot that does not parse (hand-edited, older format) counts as missing: recorded again silently.
    const detected = detectCatalogChanges(catalog.providers, (id) => {
      const parsed = SnapshotSchema.safeParse(stored.get(id));
      return parsed.success ? parsed.data : undefined;
    });
    const { changes, snapshots, baselines } = detected;
    for (const id of baselines) await tx.kv.set(snapshotKey(id), snapshots.get(id), now);
    for (const change of changes) {
      const payload = catalogChangeMessage(
        { id: change.providerId, name: change.providerName },
        change.fields,
      );
      for (const s of oneSubscriptionPerChannel(
        await tx.subscriptions.activeFor(change.providerId, "catalog"),
      )) {
        const key = keys.catalog(change.providerId, change.fromHash, change.toHash, s.channelId);
        const message = {
          key,
          kind: "catalog",
          teamId: s.teamId,
          channelId: s.channelId,
          payload,
          notifyUserId: s.createdBy,
          subscriptionId: s.id,
        };
        if (await enqueueMessage(tx, message, now)) enqueued += 1;
      }
      // The public history behind the catalog-updates feed, written with the snapshot: once per change.
      await tx.catalogHistory.record({
        providerId: change.providerId,
        providerName: change.providerName,
        fromHash: change.fromHash,
        toHash: change.toHash,
        fields: change.fields,
        stepsChanged: change.optOutStepsChanged,
        detectedAt: now,
      });
      await tx.kv.set(snapshotKey(change.providerId), snapshots.get(change.providerId), now);
    }
    return detected;
  });
  return { changes, baselines, enqueued };
}
