export {
  inWorkingHours,
  localDateOf,
  nextReminderAt,
  nextWorkingMorning,
  nextWorkingTime,
  workspaceToday,
} from "../time/index.js";
export {
  DIRECTORY_THRESHOLD,
  describeSkipped,
  LOOKUP_CONCURRENCY,
  MAX_AUDIENCE,
  type Person,
  type ResolvedAudience,
  resolveAudience,
  type Skipped,
} from "./audience.js";
export { type RemindOutcome, type RemindRequest, startCampaigns, summariseOutcome } from "./campaigns.js";
export {
  answerClick,
  type CampaignControl,
  type ClickInput,
  type ClickResult,
  controlCampaign,
  setTools,
} from "./clicks.js";
export { buildHome, type ChecklistItem, checklist, type HomeView, renderHome, toolOptions } from "./home.js";
export { type Answer, afterSend, type Click, type Decision, decideClick } from "./machine.js";
export { ACTION, type Rendered, renderReminder, renderSettled, whyLine } from "./messages.js";
export {
  collectMyData,
  type ForgetSummary,
  forgetMe,
  type MyData,
  renderForgetConfirm,
  renderForgotten,
  renderMyData,
} from "./privacy.js";
export {
  type CampaignProgress,
  campaignProgress,
  exportCampaignCsv,
  MAX_STATUS_CAMPAIGNS,
  progressBar,
  renderDigest,
  renderStatus,
} from "./progress.js";
export {
  type PolicyChange,
  type RecheckRequest,
  recheckForCatalogChanges,
  recheckForPolicyChanges,
  requestRecheck,
  type StepsChange,
} from "./recheck.js";
export { type ReminderDeps, sendDueReminders } from "./send.js";
export { closeCampaign, closesAt, reminderJob, runReminderTick, type TickReport } from "./tick.js";
export { markUnreachable, recipientGoneHook } from "./unreachable.js";
