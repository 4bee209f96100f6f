import { z } from "zod";
import type { Clock } from "../clock.js";
import type { InstallationRecord, Store } from "../store/index.js";
import { seal, unseal } from "./seal.js";

/**
 * Token rotation across instances (docs.slack.dev/authentication/using-token-rotation). A refresh with
 * oauth.v2.access returns a new bot token and a new refresh token; when two instances refresh with the same
 * refresh token, one of them ends up holding a token Slack no longer accepts. So exactly one instance
 * refreshes: it claims the installation in the store by compare-and-set on the stored refresh token, calls
 * Slack, and saves the new pair only if the refresh token is still the one it claimed with. The others see
 * the claim taken, re-read the installation until the new token is there, and use it. A claim lapses after
 * CLAIM_MS, so an instance that died mid-refresh does not block the others for long.
 */

/** @slack/oauth's window (and Slack's advice): refresh a token that expires within two hours. */
export const REFRESH_WINDOW_MS = 2 * 60 * 60_000;
/** Longer than oauth.v2.access's client timeout (10 s), so a live claimer always finishes inside its claim. */
export const CLAIM_MS = 30_000;
const POLL_MS = 100;

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** oauth.v2.access with grant_type=refresh_token. */
export type RefreshCall = (refreshToken: string) => Promise<RefreshedTokens>;

export interface RotationDeps {
  store: Store;
  key: Buffer;
  now: Clock;
  refresh: RefreshCall;
}

export const RefreshAnswer = z
  .object({ access_token: z.string().min(1), refresh_token: z.string().min(1), expires_in: z.number() })
  .loose()
  .transform(
    (r): RefreshedTokens => ({
      accessToken: r.access_token,
      refreshToken: r.refresh_token,
      expiresInSeconds: r.expires_in,
    }),
  );

export function needsRefresh(record: InstallationRecord, now: Date): boolean {
  if (!record.refreshToken || !record.tokenExpiresAt) return false;
  return record.tokenExpiresAt.getTime() - now.getTime() < REFRESH_WINDOW_MS;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The installation with a token good for at least the refresh window: as stored, refreshed by this
 * instance, or refreshed by another one meanwhile. Undefined when it was uninstalled while waiting.
 */
export async function withFreshToken(
  deps: RotationDeps,
  record: InstallationRecord,
): Promise<InstallationRecord | undefined> {
  const giveUpAt = Date.now() + 2 * CLAIM_MS;
  let current: InstallationRecord | undefined = record;
  while (current && needsRefresh(current, deps.now())) {
    const claimedWith = current.refreshToken as string;
    const now = deps.now();
    const until = new Date(now.getTime() + CLAIM_MS);
    if (await deps.store.installations.claimRefresh(current.key, claimedWith, now, until))
      return refreshClaimed(deps, current, claimedWith);
    if (Date.now() > giveUpAt)
      throw new Error(`the token refresh of ${current.key} is held by another instance for too long`);
    await sleep(POLL_MS);
    current = await deps.store.installations.get(current.key);
  }
  return current;
}

async function refreshClaimed(
  deps: RotationDeps,
  record: InstallationRecord,
  claimedWith: string,
): Promise<InstallationRecord | undefined> {
  let tokens: RefreshedTokens;
  try {
    tokens = await deps.refresh(unseal(deps.key, claimedWith));
  } catch (err) {
    // Let another instance (or the next request) try at once rather than after the claim lapses.
    await deps.store.installations.releaseRefresh(record.key, claimedWith);
    throw err;
  }
  const now = deps.now();
  const next: InstallationRecord = {
    ...record,
    botToken: seal(deps.key, tokens.accessToken),
    refreshToken: seal(deps.key, tokens.refreshToken),
    tokenExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000),
    updatedAt: now,
  };
  if (await deps.store.installations.saveRefreshed(next, claimedWith)) return next;
  // Replaced while we refreshed (a reinstall, or an uninstall): what is stored now wins.
  return deps.store.installations.get(record.key);
}
