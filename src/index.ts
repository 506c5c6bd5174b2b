// Public API of folioctl for tests and for programs that embed it.
export * from "./errors.js";
export type * from "./core/portfolio.js";
export type * from "./core/snapshot.js";
export { main } from "./cli/main.js";
export { TOOL_VERSION } from "./version.js";
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
