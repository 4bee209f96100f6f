import type { Migration } from "../migration.js";
import { core } from "./0001-core.js";
import { monitor } from "./0002-monitor.js";
import { reminders } from "./0003-reminders.js";
import { outboxMaybePosted } from "./0004-outbox-maybe-posted.js";
import { linkHealth } from "./0005-link-health.js";
import { catalogHistory } from "./0006-catalog-history.js";
import { remindersUnreachable } from "./0007-reminders-unreachable.js";
import { installations } from "./0008-installations.js";
import { installationRefreshClaim } from "./0009-installation-refresh-claim.js";
import { reminderAudiences } from "./0010-reminder-audiences.js";
import { reminderPlansAccounts } from "./0011-reminder-plans-accounts.js";
import { documentFailureTransient } from "./0012-document-failure-transient.js";

/** Every migration, in order. Append new ones; never edit or reorder shipped ones. */
export const MIGRATIONS: readonly Migration[] = [
  core,
  monitor,
  reminders,
  outboxMaybePosted,
  linkHealth,
  catalogHistory,
  remindersUnreachable,
  installations,
  installationRefreshClaim,
  reminderAudiences,
  reminderPlansAccounts,
  documentFailureTransient,
];
