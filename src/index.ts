// Public API of folioctl for tests and for programs that embed it.
export * from "./errors.js";
export type * from "./core/portfolio.js";
export type * from "./core/snapshot.js";
export { main } from "./cli/main.js";
export { TOOL_VERSION } from "./version.js";
export type * from "./forge/forge.js";
export { REBALANCE_LABEL, STATE_LABELS, rebalanceBranch } from "./forge/forge.js";
export { GitHubForge } from "./forge/github-forge.js";
export type { GitHubForgeOptions } from "./forge/github-forge.js";
export { createGitHubForge, githubForgeOptionsFromEnv } from "./forge/create-github-forge.js";
export { decideApproval } from "./forge/decide-approval.js";
