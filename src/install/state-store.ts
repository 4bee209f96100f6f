import { createHash } from "node:crypto";
import oauth, { type StateStore } from "@slack/oauth";
import type { Clock } from "../clock.js";
import type { Store } from "../store/index.js";

/**
 * The OAuth `state` (RFC 6749 §10.12, CSRF protection): @slack/oauth's ClearStateStore signs it with
 * SLACK_STATE_SECRET and refuses it after its expiry, and InstallProvider checks it against the cookie set
 * on the install page. A signed state stays valid until it expires, so a redirect URL that was captured
 * could be replayed: here each state is also redeemed once, in the store (so every instance refuses it).
 */
export const STATE_TTL_SECONDS = 600;

// @slack/oauth is CommonJS whose named exports Node cannot detect: take them from the module object.
const { ClearStateStore, InvalidStateError } = oauth;

export function oneTimeStateStore(stateSecret: string, store: Store, now: Clock): StateStore {
  const signed = new ClearStateStore(stateSecret, STATE_TTL_SECONDS);
  return {
    generateStateParam: (options, at) => signed.generateStateParam(options, at),
    async verifyStateParam(at, state) {
      const options = await signed.verifyStateParam(at, state);
      const digest = createHash("sha256").update(state).digest("hex");
      const t = now();
      const fresh = await store.installations.consumeState(
        digest,
        t,
        new Date(t.getTime() - 2 * STATE_TTL_SECONDS * 1000),
      );
      if (!fresh) throw new InvalidStateError("The state value was already used");
      return options;
    },
  };
}
