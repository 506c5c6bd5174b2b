import type { Clock } from "../../core/clock.js";
import { parseIsoTime } from "../../core/iso-time.js";

/**
 * The state file's `clock`: the simulated time starts at `start` and runs on with real elapsed time, so
 * that a fixed example file (whose trading hours list fixed days) is inside its sessions on any day the
 * demo runs. Elapsed time is monotonic: a step of the machine's clock does not move the simulated one.
 */
export function stateClock(start: string): Clock {
  const startMs = parseIsoTime(start);
  // The loader refuses a malformed clock; this guards a state passed in directly.
  if (startMs === undefined) throw new RangeError(`clock "${start}" is not an ISO 8601 time with a zone`);
  const origin = performance.now();
  return { now: () => new Date(startMs + Math.round(performance.now() - origin)) };
}
