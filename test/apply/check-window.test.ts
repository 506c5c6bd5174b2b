import { describe, expect, it } from "vitest";
import { checkWindow } from "../../src/apply/check-window.js";
import { AAA, BBB, CCC, LOOP, checkScenario } from "./support/check-scenario.js";

// 2026-11-24 is a Tuesday; 15:00 UTC is 10:00 in New York.
const NOW = new Date("2026-11-24T15:00:00Z");
const OPEN = "20261124:0930-20261124:1600;20261125:0930-20261125:1600";
const CLOSED = "20261124:CLOSED;20261125:0930-20261125:1600";

function withHours(conId: number, liquidHours: string, timeZoneId = "America/New_York") {
  const { plan, fresh } = checkScenario();
  const now = fresh();
  for (const c of now.contracts) {
    c.timeZoneId = "America/New_York";
    c.liquidHours = OPEN;
  }
  Object.assign(
    now.contracts.find((c) => c.conId === conId)!,
    { liquidHours, timeZoneId },
  );
  return { plan, now };
}

describe("checkWindow: every traded contract inside its liquid hours", () => {
  it("passes when every traded contract is open, and when IB gives no hours", () => {
    const { plan, now } = withHours(AAA, OPEN);
    expect(checkWindow(plan, now, NOW, LOOP)).toBeUndefined();
    const { fresh } = checkScenario();
    expect(checkWindow(plan, fresh(), NOW, LOOP)).toBeUndefined();
  });

  it("refuses a traded contract that is closed, saying when it opens", () => {
    const { plan, now } = withHours(AAA, CLOSED);
    expect(checkWindow(plan, now, NOW, LOOP)).toMatchObject({
      reason: "window-closed",
      message:
        "the market is closed: AAA is outside its regular trading hours (opens 2026-11-25 09:30:00 America/New_York)",
    });
  });

  it("refuses a traded contract whose hours cannot be read, rather than taking it as open", () => {
    const garbled = withHours(AAA, "tomorrow morning");
    expect(checkWindow(garbled.plan, garbled.now, NOW, LOOP)?.message).toBe(
      `the market is closed: AAA: IB's trading hours cannot be read ("tomorrow morning" does not start with a date YYYYMMDD:)`,
    );
    const zone = withHours(AAA, OPEN, "Mars/Olympus_Mons");
    expect(checkWindow(zone.plan, zone.now, NOW, LOOP)?.reason).toBe("window-closed");
  });

  it("takes a contract as open when IB gives its hours but no time zone, or does not list it", () => {
    const { plan, now } = withHours(AAA, CLOSED);
    delete now.contracts.find((c) => c.conId === AAA)!.timeZoneId;
    expect(checkWindow(plan, now, NOW, LOOP)).toBeUndefined();
    now.contracts = now.contracts.filter((c) => c.conId !== AAA);
    expect(checkWindow(plan, now, NOW, LOOP)).toBeUndefined();
  });

  it("says so when no session is listed at all, and lists every closed contract", () => {
    const { plan, now } = withHours(AAA, "20261124:CLOSED;20261125:CLOSED");
    now.contracts.find((c) => c.conId === BBB)!.liquidHours = CLOSED;
    const refusal = checkWindow(plan, now, NOW, LOOP);
    expect(refusal?.message).toBe(
      "the market is closed: AAA is outside its regular trading hours (no session is listed in the coming days); " +
        "BBB is outside its regular trading hours (opens 2026-11-25 09:30:00 America/New_York)",
    );
    expect(refusal?.hint).toBe(
      "Nothing was sent. Merge (or re-run the apply workflow) while the market is open; the plan must still be fresh then.",
    );
  });

  it("ignores a closed contract the plan does not trade", () => {
    const { plan, now } = withHours(CCC, CLOSED);
    expect(plan.orders.some((o) => o.conId === CCC)).toBe(false);
    expect(checkWindow(plan, now, NOW, LOOP)).toBeUndefined();
  });
});
