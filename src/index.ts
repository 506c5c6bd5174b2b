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
export { formatDiagnostic, formatDiagnosticWithHint, formatGithubAnnotation } from "./config/diagnostic.js";
export type { Diagnostic } from "./config/diagnostic.js";
