// IB's liquidHours / tradingHours strings, read in the exchange's IANA time zone (DST included, via
// Intl). Pure: instants are epoch milliseconds passed in by the caller, never read from a clock here.
//
// Formats IB sends (both are accepted):
//   20261124:0930-20261124:1600;20261125:0930-20261125:1600;20261126:CLOSED
//   20090507:0700-1830,1830-2330;20090508:CLOSED        (older: end time on the start day)

/** One session, [open, close) in epoch milliseconds. */
export interface TradingSession {
  open: number;
  close: number;
}

export interface TradingHours {
  timeZoneId: string;
  /** Sorted by open time. */
  sessions: TradingSession[];
  /** Days the string lists as CLOSED, as YYYYMMDD. */
  closedDays: string[];
}

export type ParseTradingHoursResult = { ok: true; hours: TradingHours } | { ok: false; error: string };

const DAY_MS = 86_400_000;

/** Parses an IB hours string; `""` gives no sessions at all (closed throughout). */
export function parseTradingHours(text: string, timeZoneId: string): ParseTradingHoursResult {
  const zone = zoneFormatter(timeZoneId);
  if (zone === undefined) {
    return {
      ok: false,
      error: `unknown time zone "${timeZoneId}" (use an IANA name such as America/New_York)`,
    };
  }
  const sessions: TradingSession[] = [];
  const closedDays: string[] = [];
  for (const rawSegment of text.split(";")) {
    const segment = rawSegment.trim();
    if (segment === "") continue;
    const match = /^(\d{8}):(.*)$/.exec(segment);
    if (!match) return { ok: false, error: `"${segment}" does not start with a date YYYYMMDD:` };
    const day = match[1] as string;
    const rest = (match[2] as string).trim();
    if (!validDay(day)) return { ok: false, error: `"${day}" is not a calendar date` };
    if (rest.toUpperCase() === "CLOSED") {
      closedDays.push(day);
      continue;
    }
    for (const range of rest.split(",")) {
      const session = parseRange(range.trim(), day, timeZoneId);
      if (typeof session === "string") return { ok: false, error: `in "${segment}": ${session}` };
      sessions.push(session);
    }
  }
  sessions.sort((a, b) => a.open - b.open);
  return { ok: true, hours: { timeZoneId, sessions, closedDays } };
}

/** True when `at` falls inside a session. No hours known (undefined) means always open. */
export function isOpenAt(hours: TradingHours | undefined, at: number): boolean {
  return hours === undefined || sessionAt(hours, at) !== undefined;
}

/** The session that contains `at`, if any. */
export function sessionAt(hours: TradingHours, at: number): TradingSession | undefined {
  return hours.sessions.find((s) => s.open <= at && at < s.close);
}

/**
 * When the market is next open at or after `at`: `at` itself when open now, the next session's open
 * otherwise, undefined when the string lists no later session (ask the broker again later).
 */
export function nextOpenAt(hours: TradingHours | undefined, at: number): number | undefined {
  if (hours === undefined) return at;
  if (sessionAt(hours, at) !== undefined) return at;
  return hours.sessions.find((s) => s.open > at)?.open;
}

/** `YYYY-MM-DD HH:MM:SS` of `at` in `timeZoneId`, for messages such as "orders wait until ...". */
export function formatZonedTime(at: number, timeZoneId: string): string {
  const formatter = zoneFormatter(timeZoneId);
  if (formatter === undefined) return `${at}`;
  const p = civilParts(formatter, at);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

function parseRange(range: string, startDay: string, timeZoneId: string): TradingSession | string {
  // New format: HHMM-YYYYMMDD:HHMM. Old format: HHMM-HHMM on the same day.
  const match = /^(\d{4})-(?:(\d{8}):)?(\d{4})$/.exec(range);
  if (!match) return `"${range}" is not a time range HHMM-YYYYMMDD:HHMM`;
  const endDay = match[2] ?? startDay;
  if (!validDay(endDay)) return `"${endDay}" is not a calendar date`;
  const open = localToInstant(startDay, match[1] as string, timeZoneId);
  let close = localToInstant(endDay, match[3] as string, timeZoneId);
  if (typeof open === "string") return open;
  if (typeof close === "string") return close;
  // Old format ranges that pass midnight (1800-0200) end on the next day.
  if (match[2] === undefined && close <= open) close += DAY_MS;
  if (close <= open) return `"${range}" ends before it starts`;
  return { open, close };
}

function localToInstant(day: string, hhmm: string, timeZoneId: string): number | string {
  const hour = Number(hhmm.slice(0, 2));
  const minute = Number(hhmm.slice(2, 4));
  if (hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) return `"${hhmm}" is not a time of day`;
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(4, 6));
  const date = Number(day.slice(6, 8));
  const formatter = zoneFormatter(timeZoneId) as Intl.DateTimeFormat;
  // Treat the wall-clock time as UTC, then correct by the zone's offset at that instant; a second pass
  // settles the hour around a DST change.
  const wall = daysFromCivil(year, month, date) * DAY_MS + (hour * 60 + minute) * 60_000;
  const first = wall - offsetAt(formatter, wall);
  const second = wall - offsetAt(formatter, first);
  return second;
}

function offsetAt(formatter: Intl.DateTimeFormat, at: number): number {
  const p = civilParts(formatter, at);
  const wall =
    daysFromCivil(p.year, p.month, p.day) * DAY_MS + ((p.hour * 60 + p.minute) * 60 + p.second) * 1000;
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

interface CivilParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function civilParts(formatter: Intl.DateTimeFormat, at: number): CivilParts {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts["year"] ?? 0,
    month: parts["month"] ?? 0,
    day: parts["day"] ?? 0,
    hour: (parts["hour"] ?? 0) % 24,
    minute: parts["minute"] ?? 0,
    second: parts["second"] ?? 0,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat | undefined>();

function zoneFormatter(timeZoneId: string): Intl.DateTimeFormat | undefined {
  if (!formatters.has(timeZoneId)) {
    let formatter: Intl.DateTimeFormat | undefined;
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: timeZoneId,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      formatter = undefined;
    }
    formatters.set(timeZoneId, formatter);
  }
  return formatters.get(timeZoneId);
}

function validDay(day: string): boolean {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(4, 6));
  const date = Number(day.slice(6, 8));
  if (month < 1 || month > 12 || date < 1) return false;
  const nextMonthStart = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  return date <= nextMonthStart - daysFromCivil(year, month, 1);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
