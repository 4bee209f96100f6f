export { type SlackApi, type SlackUser, webApi } from "./api.js";
export { makeProbe, makeReadClient, READ_CLIENT_DEFAULTS, type ReadClientOptions } from "./clients.js";
export {
  apologyFor,
  describeFailure,
  failureAdvice,
  isSlackClientError,
  isTransient,
  redactUrls,
  refusedCode,
  SERVER_TROUBLE_CODES,
  type SlackFailure,
  slackFailure,
  TOKEN_REFUSED_CODES,
} from "./errors.js";
export {
  appTokenRefusedLine,
  checkSlack,
  type SlackCheck,
  type SlackCheckOptions,
  unreachableLine,
  unreachableReason,
} from "./startup.js";
export { type DmFile, uploadToDm } from "./upload.js";
