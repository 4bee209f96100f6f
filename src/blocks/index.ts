export {
  ACTION_OPEN_CALENDAR,
  type DatedEvent,
  renderAmbiguous,
  renderDeadlines,
  renderHelp,
  renderList,
  renderSearch,
  renderUnknown,
} from "./catalog.js";
export { actions, button, context, divider, fields, fitBlocks, header, section } from "./kit.js";
export { assertMessageFits, BlockLimitError, checkMessage, LIMITS, type Surface } from "./limits.js";
export { escapeMrkdwn, formatDate, link, relativeDays, truncate } from "./mrkdwn.js";
export {
  confidenceLabel,
  nameWithVendor,
  optOutLabel,
  type RenderedMessage,
  type ReviewFlag,
  renderSteps,
  sourceLine,
  staleNote,
  trainsLabel,
} from "./provider.js";
export { ansiStyle, blocksToText, plainStyle, type TerminalStyle } from "./terminal.js";
