// Public API of folioctl for tests and for programs that embed it.
export * from "./errors.js";
export type * from "./core/portfolio.js";
export type * from "./core/snapshot.js";
export { main } from "./cli/main.js";
export { TOOL_VERSION } from "./version.js";
