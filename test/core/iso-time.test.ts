import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIsoTime, parseIsoTime } from "../../src/core/iso-time.js";
import { parseDuration } from "../../src/core/parse-duration.js";

// The core may not use Date; the tests may, to check that the hand-written calendar agrees with it.
const YEARS_1_TO_9999 = { min: -62_135_596_800_000, max: 253_402_300_799_999 };

describe("ISO 8601 times without Date", () => {
  it("reads and writes every millisecond from year 1 to 9999 as Date does", () => {
    fc.assert(
      fc.property(fc.integer(YEARS_1_TO_9999), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseIsoTime(iso)).toBe(ms);
        expect(formatIsoTime(ms)).toBe(iso.replace(".000Z", "Z"));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["2026-11-24T10:00:00-05:00", "2026-11-24T15:00:00Z"],
    ["2026-11-24T15:00:00+00:00", "2026-11-24T15:00:00Z"],
    ["2026-11-25T00:30:00+09:30", "2026-11-24T15:00:00Z"],
    ["2024-02-29T23:59:59.5Z", "2024-02-29T23:59:59.500Z"],
    ["2026-11-24T15:00:00.123456789Z", "2026-11-24T15:00:00.123Z"],
  ])("reads %s as %s", (text, utc) => {
    expect(formatIsoTime(parseIsoTime(text) as number)).toBe(utc);
  });

  it.each([
    "2026-02-29T00:00:00Z",
    "2026-11-24T24:00:00Z",
    "2026-11-24T15:00:00",
    "2026-11-24 15:00:00Z",
    "yesterday",
    "2026-13-01T00:00:00Z",
  ])("refuses %s", (text) => {
    expect(parseIsoTime(text)).toBeUndefined();
  });

  it.each([
    ["90s", 90_000],
    ["15m", 900_000],
    ["4h", 14_400_000],
    ["2d", 172_800_000],
    ["0h", undefined],
    ["4 h", undefined],
    ["4w", undefined],
  ])("reads planTtl %s as %s ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
