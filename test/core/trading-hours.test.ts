import { describe, expect, it } from "vitest";
import {
  formatZonedTime,
  isOpenAt,
  nextOpenAt,
  parseTradingHours,
  sessionAt,
} from "../../src/core/trading-hours.js";
import type { TradingHours } from "../../src/core/trading-hours.js";

const at = (iso: string): number => new Date(iso).getTime();

function parse(text: string, zone = "America/New_York"): TradingHours {
  const result = parseTradingHours(text, zone);
  if (!result.ok) throw new Error(result.error);
  return result.hours;
}

describe("parseTradingHours", () => {
  it("reads IB's current format in the exchange's zone, standard time and daylight time alike", () => {
    const hours = parse("20261124:0930-20261124:1600;20260708:0930-20260708:1600;20261125:CLOSED");
    expect(hours.sessions).toEqual([
      { open: at("2026-07-08T13:30:00Z"), close: at("2026-07-08T20:00:00Z") },
      { open: at("2026-11-24T14:30:00Z"), close: at("2026-11-24T21:00:00Z") },
    ]);
    expect(hours.closedDays).toEqual(["20261125"]);
  });

  it("gets the day of a DST change right", () => {
    // 2026-03-08: New York springs forward at 02:00; 2026-11-01: falls back.
    const spring = parse("20260308:0930-20260308:1600").sessions[0];
    expect(spring).toEqual({ open: at("2026-03-08T13:30:00Z"), close: at("2026-03-08T20:00:00Z") });
    const fall = parse("20261101:0930-20261101:1600").sessions[0];
    expect(fall).toEqual({ open: at("2026-11-01T14:30:00Z"), close: at("2026-11-01T21:00:00Z") });
    const london = parse("20260330:0800-20260330:1630", "Europe/London").sessions[0];
    expect(london?.open).toBe(at("2026-03-30T07:00:00Z"));
  });

  it("reads the older format with several ranges a day and ranges past midnight", () => {
    const hours = parse("20261124:0700-1830,1830-2330;20261125:1800-0200");
    expect(hours.sessions).toEqual([
      { open: at("2026-11-24T12:00:00Z"), close: at("2026-11-24T23:30:00Z") },
      { open: at("2026-11-24T23:30:00Z"), close: at("2026-11-25T04:30:00Z") },
      { open: at("2026-11-25T23:00:00Z"), close: at("2026-11-26T07:00:00Z") },
    ]);
  });

  it("reads overnight sessions that name their end date, and 2400", () => {
    const hours = parse("20261124:2000-20261125:0350;20261126:0000-20261126:2400");
    expect(hours.sessions).toEqual([
      { open: at("2026-11-25T01:00:00Z"), close: at("2026-11-25T08:50:00Z") },
      { open: at("2026-11-26T05:00:00Z"), close: at("2026-11-27T05:00:00Z") },
    ]);
  });

  it("says what is wrong with a bad string or zone", () => {
    expect(parseTradingHours("x", "America/New_York")).toEqual({
      ok: false,
      error: '"x" does not start with a date YYYYMMDD:',
    });
    expect(parseTradingHours("20261324:0930-1600", "America/New_York")).toMatchObject({
      ok: false,
      error: '"20261324" is not a calendar date',
    });
    expect(parseTradingHours("20261124:0930-2561", "America/New_York")).toMatchObject({ ok: false });
    expect(parseTradingHours("20261124:1600-20261124:0930", "America/New_York")).toMatchObject({
      ok: false,
      error: expect.stringContaining("ends before it starts"),
    });
    expect(parseTradingHours("20261124:0930-1600", "Mars/Olympus")).toMatchObject({
      ok: false,
      error: expect.stringContaining("unknown time zone"),
    });
    expect(parseTradingHours("", "America/New_York")).toEqual({
      ok: true,
      hours: { timeZoneId: "America/New_York", sessions: [], closedDays: [] },
    });
  });
});

describe("isOpenAt and nextOpenAt", () => {
  const hours = parse("20261124:0930-20261124:1600;20261125:0930-20261125:1600;20261126:CLOSED");

  it("is open inside a session, closed at and after its close", () => {
    expect(isOpenAt(hours, at("2026-11-24T14:29:59Z"))).toBe(false);
    expect(isOpenAt(hours, at("2026-11-24T14:30:00Z"))).toBe(true);
    expect(isOpenAt(hours, at("2026-11-24T20:59:59Z"))).toBe(true);
    expect(isOpenAt(hours, at("2026-11-24T21:00:00Z"))).toBe(false);
    expect(sessionAt(hours, at("2026-11-25T15:00:00Z"))).toEqual({
      open: at("2026-11-25T14:30:00Z"),
      close: at("2026-11-25T21:00:00Z"),
    });
  });

  it("gives now when open, the next open when closed, and undefined past the last listed session", () => {
    expect(nextOpenAt(hours, at("2026-11-24T15:00:00Z"))).toBe(at("2026-11-24T15:00:00Z"));
    expect(nextOpenAt(hours, at("2026-11-24T22:00:00Z"))).toBe(at("2026-11-25T14:30:00Z"));
    expect(nextOpenAt(hours, at("2026-11-26T15:00:00Z"))).toBeUndefined();
  });

  it("treats no hours at all as always open", () => {
    expect(isOpenAt(undefined, 0)).toBe(true);
    expect(nextOpenAt(undefined, 42)).toBe(42);
  });

  it("formats an instant in a zone", () => {
    expect(formatZonedTime(at("2026-11-25T14:30:00Z"), "America/New_York")).toBe("2026-11-25 09:30:00");
    expect(formatZonedTime(at("2026-07-01T00:00:00Z"), "Asia/Tokyo")).toBe("2026-07-01 09:00:00");
  });
});
