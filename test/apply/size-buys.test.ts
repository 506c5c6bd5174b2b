import { describe, expect, it } from "vitest";
import { sizeBuys } from "../../src/apply/size-buys.js";

const ibFixed = (shares: number, price: number) =>
  Math.min(Math.max(shares * 0.005, 1), shares * price * 0.01);

describe("sizeBuys", () => {
  it("keeps planned quantities when the cash is there", () => {
    const sized = sizeBuys(
      [
        { leg: "B1", currency: "USD", plannedQuantity: 10, maxPricePerShare: 100 },
        { leg: "B2", currency: "USD", plannedQuantity: 5, maxPricePerShare: 50 },
      ],
      { USD: 5_000 },
      ibFixed,
    );
    expect(sized).toEqual([
      { leg: "B1", quantity: 10 },
      { leg: "B2", quantity: 5 },
    ]);
  });

  it("shrinks, never grows, and funds buys in plan order", () => {
    const sized = sizeBuys(
      [
        { leg: "B1", currency: "USD", plannedQuantity: 10, maxPricePerShare: 100 },
        { leg: "B2", currency: "USD", plannedQuantity: 10, maxPricePerShare: 100 },
      ],
      { USD: 1_500 },
      ibFixed,
    );
    expect(sized[0]).toEqual({ leg: "B1", quantity: 10 });
    // 1,500 - 1,000 - 1 commission leaves 499: four shares plus a dollar of commission.
    expect(sized[1]?.quantity).toBe(4);
    expect(sized[1]?.shrunk).toContain("pays for 4 of 10 shares");
  });

  it("counts the commission, so a buy that costs exactly the cash loses one share", () => {
    const [sized] = sizeBuys(
      [{ leg: "B1", currency: "USD", plannedQuantity: 10, maxPricePerShare: 100 }],
      { USD: 1_000 },
      ibFixed,
    );
    expect(sized?.quantity).toBe(9);
  });

  it("keeps currencies apart and sends nothing without cash", () => {
    const sized = sizeBuys(
      [
        { leg: "B1", currency: "EUR", plannedQuantity: 3, maxPricePerShare: 10 },
        { leg: "B2", currency: "USD", plannedQuantity: 3, maxPricePerShare: 10 },
      ],
      { USD: 1_000, EUR: -5 },
      ibFixed,
    );
    expect(sized.map((s) => s.quantity)).toEqual([0, 3]);
  });
});

describe("sizeBuys at the edge of the cash", () => {
  it("keeps a buy whose cost with commission is exactly the cash there", () => {
    const [sized] = sizeBuys(
      [{ leg: "B1", currency: "USD", plannedQuantity: 10, maxPricePerShare: 100 }],
      { USD: 1_001 },
      ibFixed,
    );
    expect(sized).toEqual({ leg: "B1", quantity: 10 });
  });
});

describe("sizeBuys with a fee per order", () => {
  // A commission model that charges its order fee whatever the size, even for no shares.
  const perOrder = (shares: number) => 1 + shares * 0.005;

  it("charges nothing for a buy it does not send, so the next buy in that currency keeps the cash", () => {
    const sized = sizeBuys(
      [
        { leg: "B1", currency: "USD", plannedQuantity: 10, maxPricePerShare: 1_000 },
        // 9 × 10.90 + 1.045 = 99.145: paid for only if B1 cost nothing.
        { leg: "B2", currency: "USD", plannedQuantity: 9, maxPricePerShare: 10.9 },
      ],
      { USD: 100 },
      perOrder,
    );
    expect(sized).toEqual([
      { leg: "B1", quantity: 0, shrunk: "cash in USD after the sells pays for 0 of 10 shares" },
      { leg: "B2", quantity: 9 },
    ]);
  });

  it("steps down to the affordable size at once rather than a share at a time", () => {
    let estimates = 0;
    const [sized] = sizeBuys(
      [{ leg: "B1", currency: "USD", plannedQuantity: 1_000_000, maxPricePerShare: 10 }],
      { USD: 1_000 },
      (shares) => {
        estimates += 1;
        return perOrder(shares);
      },
    );
    // 99 × 10 + 1.495 fits in 1,000; 100 × 10 + 1.5 does not.
    expect(sized?.quantity).toBe(99);
    expect(estimates).toBeLessThanOrEqual(4);
  });
});
