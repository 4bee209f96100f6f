// Owned by the reminders work (issue 5): replaced with the real handlers.
import type { Handler } from "../handle.js";
import { textReply } from "../replies.js";

const pending = async () => textReply("Reminders are being set up in this release.");
export const handleRemind: Handler<"remind"> = pending;
export const handleStatus: Handler<"status"> = pending;
export const handleMyData: Handler<"my-data"> = pending;
export const handleForgetMe: Handler<"forget-me"> = pending;
