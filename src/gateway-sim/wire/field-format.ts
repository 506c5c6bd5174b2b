// How the simulator writes values so that @stoqey/ib's decoder reads them as IB Gateway's would.
import { MIN_SERVER_VER } from "./server-versions.js";

/** Java's Double.MAX_VALUE as IB writes it; @stoqey/ib reads it as "unset" (undefined). */
export const UNSET_DOUBLE = "1.7976931348623157E308";
/** Java's Integer.MAX_VALUE; readIntOrUndefined maps it to undefined. */
export const UNSET_INTEGER = "2147483647";

export type Field = string;

/** Numbers as the server writes them: finite values only, "" when absent. */
export function num(value: number | undefined): Field {
  if (value === undefined || !Number.isFinite(value)) return "";
  return formatNumber(value);
}

/** A double that IB writes as Double.MAX_VALUE when unknown. */
export function numOrUnset(value: number | undefined): Field {
  return value === undefined || !Number.isFinite(value) ? UNSET_DOUBLE : formatNumber(value);
}

export function int(value: number | undefined): Field {
  return value === undefined ? "" : String(Math.trunc(value));
}

export function bool(value: boolean | undefined): Field {
  return value ? "1" : "0";
}

export function str(value: string | undefined): Field {
  return value ?? "";
}

// Round away binary noise (0.30000000000000004) without losing real precision.
function formatNumber(value: number): string {
  const rounded = Number.parseFloat(value.toPrecision(12));
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/** Rounds to a multiple of `increment` (a minTick or sizeIncrement), then strips float noise. */
export function roundToIncrement(value: number, increment: number): number {
  if (!(increment > 0)) return value;
  return Number.parseFloat((Math.round(value / increment) * increment).toPrecision(12));
}

/**
 * Free text (error messages, long names) at server version `v`: from ENCODE_MSG_ASCII7 (153) IB writes
 * every character outside ASCII as \uXXXX (UTF-16 code units), which the clients decode again.
 */
export function text(v: number, value: string): Field {
  if (v < MIN_SERVER_VER.ENCODE_MSG_ASCII7) return value;
  return value.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
