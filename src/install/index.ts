/**
 * Distributed mode (issue 10): installs through Slack's OAuth v2 flow, installations in the bot's own
 * store with sealed tokens, per-workspace tokens for requests and delivery, and uninstall cleanup.
 */
export { installationKey, NotInstalledError } from "./installation-store.js";
export { notInstalledText, registerInstallListeners } from "./listeners.js";
export {
  createInstaller,
  type DistributedAuth,
  INSTALL_PATH,
  type InstallRoute,
  installRoutes,
  problemFor,
  REDIRECT_PATH,
} from "./provider.js";
export { currentWorkspace, inWorkspace, workspaceSlackApi } from "./scope.js";
export { KEY_ADVICE, parseEncryptionKey, SealError, seal, unseal } from "./seal.js";
export { STATE_TTL_SECONDS } from "./state-store.js";
export { createWorkspaces, type UninstallQuery, type Workspaces } from "./workspaces.js";
