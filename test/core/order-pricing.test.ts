import { describe, expect, it } from "vitest";
import { estimateCommission } from "../../src/core/estimate-commission.js";
import { limitPrice } from "../../src/core/limit-price.js";

const IB_FIXED = { perShare: 0.005, minimum: 1, maximumPercent: 1 };

describe("limit prices", () => {
  it.each([
    { side: "BUY", price: 250, bps: 10, tick: 0.01, limit: 250.25 },
    { side: "SELL", price: 250, bps: 10, tick: 0.01, limit: 249.75 },
    { side: "BUY", price: 72.5, bps: 10, tick: 0.01, limit: 72.57 },
    { side: "SELL", price: 72.5, bps: 10, tick: 0.01, limit: 72.43 },
    { side: "BUY", price: 10.02, bps: 10, tick: 0.05, limit: 10 },
    { side: "SELL", price: 10.02, bps: 10, tick: 0.05, limit: 10.05 },
    { side: "BUY", price: 0.5432, bps: 0, tick: 0.0001, limit: 0.5432 },
    { side: "SELL", price: 3.3333, bps: 50, tick: 0.005, limit: 3.32 },
  ] as const)(
    "$side at $price, $bps bps, tick $tick: $limit (never beyond the collar)",
    ({ side, price, bps, tick, limit }) => {
      expect(limitPrice(side, price, bps, tick)).toBe(limit);
    },
  );
});

describe("estimated commissions", () => {
  it.each([
    { schedule: IB_FIXED, quantity: 100, price: 50, commission: 1 },
    { schedule: IB_FIXED, quantity: 1000, price: 50, commission: 5 },
    { schedule: IB_FIXED, quantity: 10, price: 5, commission: 0.5 },
    { schedule: IB_FIXED, quantity: 0, price: 50, commission: 0 },
    {
      schedule: { perShare: 0.01, minimum: 2, maximumPercent: 0.5 },
      quantity: 300,
      price: 20,
      commission: 3,
    },
    { schedule: { perShare: 0, minimum: 0, maximumPercent: 0 }, quantity: 300, price: 20, commission: 0 },
  ])(
    "$quantity shares at $price with $schedule cost $commission",
    ({ schedule, quantity, price, commission }) => {
      expect(estimateCommission(schedule, quantity, price)).toBeCloseTo(commission, 10);
    },
  );
});
