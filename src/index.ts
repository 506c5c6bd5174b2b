// Public API of folioctl for tests and for programs that embed it.
export * from "./errors.js";
export type * from "./core/portfolio.js";
export type * from "./core/snapshot.js";
export { main } from "./cli/main.js";
export { TOOL_VERSION } from "./version.js";
export * from "./gateway-sim/index.js";
export type * from "./core/trading-hours.js";
export { formatZonedTime, isOpenAt, nextOpenAt, parseTradingHours, sessionAt } from "./core/trading-hours.js";
