export {
  type CatalogChange,
  type CatalogCheckResult,
  type CatalogSnapshot,
  catalogFacts,
  detectCatalogChanges,
  diffFacts,
  runCatalogCheck,
  snapshotOf,
} from "./catalog-changes.js";
export {
  type CalendarEvent,
  calendarDate,
  currentLead,
  type DeadlinePlanInput,
  type PlannedAnnouncement,
  planDeadlineAnnouncements,
  type UpcomingAnnouncement,
  upcomingAnnouncements,
} from "./deadlines.js";
export {
  createDeliverer,
  createDeliveryClient,
  DEFAULT_PACING,
  type Deliverer,
  type DelivererOptions,
  type DrainStats,
} from "./deliver.js";
export { type AnnouncementJobOptions, announcementJobs } from "./jobs.js";
export {
  ACTION_REMIND_ME,
  ACTION_SHOW_STEPS,
  catalogChangeMessage,
  channelProblemAdvice,
  deadlineMessage,
  type FieldChange,
} from "./messages.js";
export { enqueueMessage, keyFromMetadata, keys, METADATA_EVENT_TYPE } from "./outbox.js";
export type { Rate } from "./pacing.js";
export { scheduleRemindMe } from "./remind-me.js";
export {
  type DeadlinesReportInput,
  deadlinesReportData,
  formatDeadlinesReport,
  formatOutboxReport,
  outboxReportData,
} from "./report.js";
export { catalogEvents, type DeadlineCheckResult, runDeadlineCheck } from "./run-deadlines.js";
