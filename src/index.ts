// Public API of folioctl for tests and for programs that embed it.
export * from "./errors.js";
export type * from "./core/portfolio.js";
export type * from "./core/snapshot.js";
export type * from "./core/clock.js";
export type * from "./git/git-repo.js";
export { SimpleGitRepo, DEFAULT_BOT_IDENTITY } from "./git/simple-git-repo.js";
export type { SimpleGitRepoOptions } from "./git/simple-git-repo.js";
export { LockHeldError } from "./git/lock-held-error.js";
export { planBranch, planPath, lockRef, ledgerPath, assertAccountId } from "./git/ops-repo-layout.js";
export { main } from "./cli/main.js";
export { TOOL_VERSION } from "./version.js";
export { loadPortfolioFile, parsePortfolio } from "./config/load-portfolio.js";
export type { LoadPortfolioResult } from "./config/load-portfolio.js";
export { accountIntentHash, readOpsIntent } from "./config/ops-intent.js";
export type { AccountIntent, AccountIntentResult, OpsIntent, OpsTree } from "./config/ops-intent.js";
export { directoryTree } from "./config/directory-tree.js";
export { formatDiagnostic, formatDiagnosticWithHint, formatGithubAnnotation } from "./config/diagnostic.js";
export type { Diagnostic } from "./config/diagnostic.js";
export type * from "./forge/forge.js";
export { REBALANCE_LABEL, STATE_LABELS } from "./forge/forge.js";
export { GitHubForge } from "./forge/github-forge.js";
export type { GitHubForgeOptions } from "./forge/github-forge.js";
export { createGitHubForge, githubForgeOptionsFromEnv } from "./forge/create-github-forge.js";
export { decideApproval } from "./forge/decide-approval.js";
export * from "./gateway-sim/index.js";
export type * from "./core/trading-hours.js";
export { formatZonedTime, isOpenAt, nextOpenAt, parseTradingHours, sessionAt } from "./core/trading-hours.js";
export { runPropose } from "./gitops/propose.js";
export type {
  ProposeAction,
  ProposeFailure,
  ProposeOptions,
  ProposeResult,
  ProposeRun,
} from "./gitops/propose.js";
export { runPreview } from "./gitops/preview.js";
export type { PreviewDeps, PreviewOptions, PreviewOutcome, PreviewResult } from "./gitops/preview.js";
export { runApplyOnMerge } from "./gitops/apply-push.js";
export type {
  ApplyOnMergeDeps,
  ApplyOnMergeOptions,
  ApplyOnMergeResult,
  ApplyOnMergeRun,
  SupersededPlan,
} from "./gitops/apply-push.js";
export type { GitOpsDeps } from "./gitops/gitops-deps.js";
export { keepExistingPlan } from "./gitops/keep-existing-plan.js";
export { readPlanHeader } from "./gitops/plan-pull-request.js";
export type * from "./core/plan.js";
export { computePlan, type ComputePlanOptions } from "./core/compute-plan.js";
export { canonicalJson } from "./core/canonical-json.js";
export { hashPlan, verifyPlanHash, type PlanHashCheck } from "./core/hash-plan.js";
export { formatPlanFile } from "./core/format-plan-file.js";
export { renderMarkdown, type MarkdownOptions } from "./core/render-markdown.js";
export { renderText, type TextOptions } from "./core/render-text.js";
export { loadSnapshotFile, parseSnapshot, type LoadSnapshotResult } from "./config/load-snapshot.js";
export { loadPlanFile, parsePlan, type LoadPlanResult } from "./config/load-plan.js";
export { runPlan, type RunPlanOptions, type RunPlanResult, type SnapshotSource } from "./plan/run-plan.js";
