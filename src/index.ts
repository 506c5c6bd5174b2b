// Public API of folioctl for tests and for programs that embed it.
export * from "./errors.js";
export type * from "./core/portfolio.js";
export type * from "./core/snapshot.js";
export { main } from "./cli/main.js";
export { TOOL_VERSION } from "./version.js";
export { loadPortfolioFile, parsePortfolio } from "./config/load-portfolio.js";
export type { LoadPortfolioResult } from "./config/load-portfolio.js";
export { formatDiagnostic, formatDiagnosticWithHint, formatGithubAnnotation } from "./config/diagnostic.js";
export type { Diagnostic } from "./config/diagnostic.js";
