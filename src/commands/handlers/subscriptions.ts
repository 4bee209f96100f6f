// Owned by the announcements work (issue 3): replaced with the real handlers.
import type { Handler } from "../handle.js";
import { textReply } from "../replies.js";

const pending = async () => textReply("Channel subscriptions are being set up in this release.");
export const handleSubscribe: Handler<"subscribe"> = pending;
export const handleUnsubscribe: Handler<"unsubscribe"> = pending;
export const handleSubscriptions: Handler<"subscriptions"> = pending;
