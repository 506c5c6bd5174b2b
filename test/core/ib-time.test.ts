import { describe, expect, it } from "vitest";
import { ibTimeToIso } from "../../src/core/ib-time.js";

describe("ibTimeToIso", () => {
  it("turns IB's UTC execution times into ISO 8601", () => {
    expect(ibTimeToIso("20261202 00:42:53 UTC")).toBe("2026-12-02T00:42:53Z");
    expect(ibTimeToIso("20261202-00:42:53 GMT")).toBe("2026-12-02T00:42:53Z");
    expect(ibTimeToIso("20240229  23:59:59 UTC")).toBe("2024-02-29T23:59:59Z");
  });

  it("keeps ISO times, and times it cannot place without guessing the zone, as they are", () => {
    expect(ibTimeToIso("2026-12-02T00:42:53Z")).toBe("2026-12-02T00:42:53Z");
    expect(ibTimeToIso("20261202 00:42:53")).toBe("20261202 00:42:53");
    expect(ibTimeToIso("20261202 00:42:53 US/Eastern")).toBe("20261202 00:42:53 US/Eastern");
    expect(ibTimeToIso("20230229 10:00:00 UTC")).toBe("20230229 10:00:00 UTC");
  });
});
