import type { Clock } from "../core/clock.js";

/** The real clock; everything below the CLI receives a Clock instead of calling `new Date()`. */
export const systemClock: Clock = { now: () => new Date() };
