/**
 * The one way the bot sends a message it initiates: features decide what to say and `enqueueMessage` it
 * (limits check, metadata, idempotency key from `keys`); the deliverer decides when, paces, retries and
 * recovers. Folders above (announce/, monitor/, reminders/) import only this file.
 */
export {
  createDeliveryClient,
  DEFAULT_PACING,
  type Deliverer,
  type DelivererOptions,
  type DrainStats,
  HANDOVER_SETTLE_MS,
} from "./client.js";
export { createDeliverer } from "./deliver.js";
export { enqueueMessage, enqueueMessages, keyFromMetadata, METADATA_EVENT_TYPE } from "./enqueue.js";
export { CHANNEL_ERRORS, classify, type Failure } from "./errors.js";
export { keys } from "./keys.js";
export { channelProblemAdvice, failedNoticeMessage, pausedNoticeMessage } from "./notice-messages.js";
export type { Rate } from "./pacing.js";
export { cancelMessagesTo, findMessage, messagesForPerson, withdrawMessage } from "./queries.js";
export { formatOutboxReport, outboxReportData } from "./report.js";
