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
export { type AnnouncementJobOptions, announcementJobs } from "./jobs.js";
export {
  ACTION_REMIND_ME,
  ACTION_SHOW_STEPS,
  catalogChangeMessage,
  deadlineMessage,
  type FieldChange,
} from "./messages.js";
export { scheduleRemindMe } from "./remind-me.js";
export {
  type DeadlinesReportInput,
  deadlinesReportData,
  formatDeadlinesReport,
  outboxStatuses,
} from "./report.js";
export { catalogEvents, type DeadlineCheckResult, runDeadlineCheck } from "./run-deadlines.js";
export { runStaleNotice, staleNoticeMessage, weekOf } from "./stale-notice.js";
