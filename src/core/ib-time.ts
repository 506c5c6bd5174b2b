// IB writes execution times as `20261202 00:42:53 UTC` (or with `-` between date and time); everything
// folioctl writes is ISO 8601. Times are turned into ISO where they enter a fill, so that the ledger, the
// report and the sorting of fills see one form, and older ledgers written in IB's form still read.
import { formatIsoTime, parseIsoTime } from "./iso-time.js";

const IB_UTC_TIME = /^(\d{4})(\d{2})(\d{2})[- ]+(\d{2}):(\d{2}):(\d{2})(?:\s+(?:UTC|GMT|Etc\/UTC|Z))$/;

/**
 * `20261202 00:42:53 UTC` -> `2026-12-02T00:42:53Z`. A time already in ISO 8601 is kept as it is; one
 * in a form or zone that cannot be read without guessing (IB's local-time forms) is kept as IB wrote it.
 */
export function ibTimeToIso(text: string): string {
  const trimmed = text.trim();
  const match = IB_UTC_TIME.exec(trimmed);
  if (!match) return text;
  const [, year, month, day, hour, minute, second] = match;
  const ms = parseIsoTime(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return ms === undefined ? text : formatIsoTime(ms);
}
