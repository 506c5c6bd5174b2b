// IB's commission on a currency conversion (IDEALPRO, fixed pricing): 0.2 basis points of its value, at
// least 2 USD, in the account's base currency. The planner and apply's live check both charge it.
import { describe, expect, it } from "vitest";
import { estimateFxCommission } from "../../src/core/estimate-fx-commission.js";

describe("estimateFxCommission", () => {
  it("charges 0.2 basis points of the value above the minimum", () => {
    expect(estimateFxCommission(2_000_000, 1)).toBeCloseTo(40, 9);
    expect(estimateFxCommission(2_000_000, 0.92)).toBeCloseTo(40, 9);
  });

  it("charges at least 2 USD, in the base currency at the account's USD rate", () => {
    expect(estimateFxCommission(1_000, 1)).toBe(2);
    expect(estimateFxCommission(1_000, 0.92)).toBeCloseTo(1.84, 9);
    expect(estimateFxCommission(1_000, 150)).toBe(300);
  });

  it("takes the minimum as 2 base units when the USD rate is unknown or not a positive number", () => {
    for (const rate of [undefined, 0, -0.92]) expect(estimateFxCommission(1_000, rate), String(rate)).toBe(2);
  });

  it("charges nothing for no conversion, or for a value that is not a positive number", () => {
    for (const value of [0, -5_000, Number.NaN])
      expect(estimateFxCommission(value, 0.92), String(value)).toBe(0);
  });
});
