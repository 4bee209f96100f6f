export {
  inWorkingHours,
  localDateOf,
  nextReminderAt,
  nextWorkingMorning,
  nextWorkingTime,
  workspaceToday,
} from "../time/index.js";
export {
  type AccountOutcome,
  addAnotherAccount,
  renderAdded,
  renderCapped,
  renderExists,
} from "./accounts.js";
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
  type ClickRefusal,
  type ClickVerdict,
  clickVerdict,
  loadClick,
  refusalReply,
} from "./clicked.js";
export {
  answerClick,
  type CampaignControl,
  type ClickInput,
  type ClickResult,
  controlCampaign,
  setTools,
} from "./clicks.js";
export {
  ESCALATION_ACTION,
  escalationDay,
  escalationDue,
  escalationJob,
  renderEscalation,
  runEscalations,
} from "./escalation.js";
export {
  type CampaignEvidence,
  campaignEvidence,
  EVIDENCE_COLUMNS,
  type EvidenceRow,
  evidenceCsv,
  evidenceJson,
  evidenceRows,
  exportCampaignCsv,
} from "./evidence.js";
export { exportForLead, type LeadExport, renderExportReply } from "./export.js";
export {
  applyToCampaign,
  dateMicros,
  type FollowReport,
  MENTIONED,
  onChannelMembership,
  type RefreshReport,
  refreshAudiences,
  slackTsMicros,
} from "./follow.js";
export { buildHome, type ChecklistItem, checklist, type HomeView, renderHome, toolOptions } from "./home.js";
export { type Answer, afterSend, type Click, type Decision, decideClick } from "./machine.js";
export { ACTION, type Rendered, renderReminder, renderSettled, whyLine } from "./messages.js";
export { type NudgeResult, nudgePatch, nudgeTime, nudgeUnanswered, renderNudgeResult } from "./nudge.js";
export { answerPlanClick } from "./plan-clicks.js";
export {
  asksPlan,
  decidePlan,
  findPlan,
  type PlanChoice,
  type PlanClick,
  type PlanDecision,
  planChoices,
  planKey,
  renderNotAffected,
} from "./plans.js";
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
