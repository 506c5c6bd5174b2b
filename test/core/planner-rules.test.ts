// The planner's safety rules, each pinned where it shows: the band edge, the no-shorting bound, a plan
// that commissions would make worse, maxOrderValue in the base currency, turnover against a net
// liquidation value that is not positive, and the plan hash.
import { describe, expect, it } from "vitest";
import { checkGuardrails } from "../../src/core/check-guardrails.js";
import { hashPlan, verifyPlanHash } from "../../src/core/hash-plan.js";
import { makePortfolio, makeSnapshot, plan, planOk, tradesBySymbol } from "./plan-builders.js";

const TWO = [
  { symbol: "AAA", weight: 60 },
  { symbol: "BBB", weight: 40 },
];

/** AAA and BBB at 100 and 50, no cash: weights are exactly what the quantities say. */
function account(aaaShares: number, bbbShares: number) {
  return makeSnapshot(
    [
      { symbol: "AAA", quantity: aaaShares, price: 100 },
      { symbol: "BBB", quantity: bbbShares, price: 50 },
    ],
    { cash: { USD: 0 } },
  );
}

describe("bands", () => {
  it("takes a weight exactly on the band edge as in band, whatever the float rounding", () => {
    // 61% against 60% ± 1: 0.61 - 0.6 is 0.010000000000000009 in floating point.
    expect(planOk(makePortfolio(TWO), account(61, 78)).orders).toEqual([]);
    expect(planOk(makePortfolio(TWO), account(59, 82)).orders).toEqual([]);
  });

  it("trades a weight just past the band edge", () => {
    // 61.1% against 60% ± 1.
    const trades = tradesBySymbol(planOk(makePortfolio(TWO), account(611, 778)));
    expect(trades.AAA).toBeLessThan(0);
    expect(trades.BBB).toBeGreaterThan(0);
  });

  it("uses the narrower of the absolute and the relative band", () => {
    // relative 1% of a 60% target is 0.6 points: 61% is out of that band (and 39% out of 40% ± 0.4).
    // A 100,000 account, so that one point of drift is worth far more than the commissions.
    const narrow = makePortfolio(TWO, { bands: { absolute: 1, relative: 1 } });
    expect(tradesBySymbol(planOk(narrow, account(610, 780)))).toEqual({ AAA: -10, BBB: 19 });
    expect(planOk(makePortfolio(TWO), account(610, 780)).orders).toEqual([]);
  });
});

describe("the search's constraints", () => {
  it("never sells more whole increments than the account holds", () => {
    // AAA trades in lots of 10; 19 shares held is one lot sellable, however far AAA is over its target.
    const portfolio = makePortfolio([
      { symbol: "AAA", weight: 1 },
      { symbol: "BBB", weight: 99 },
    ]);
    const snapshot = makeSnapshot(
      [
        { symbol: "AAA", quantity: 19, price: 100, sizeIncrement: 10 },
        { symbol: "BBB", quantity: 10, price: 50 },
      ],
      { cash: { USD: 1000 } },
    );
    expect(tradesBySymbol(planOk(portfolio, snapshot))).toEqual({ AAA: -10, BBB: 39 });
  });

  it("sells nothing in buy-only mode, however far over its target a holding is", () => {
    const portfolio = makePortfolio(TWO, { trading: { mode: "buy-only" } });
    const snapshot = makeSnapshot(
      [
        { symbol: "AAA", quantity: 100, price: 100 },
        { symbol: "BBB", price: 50 },
      ],
      { cash: { USD: 1000 } },
    );
    const planned = planOk(portfolio, snapshot);
    expect(planned.orders.map((o) => o.side)).toEqual(["BUY"]);
  });

  it("keeps no plan when its commissions cost more than the drift it removes", () => {
    // 62% against 60% ± 1: one point out of band is $100 of drift that counts; a trade costs $150.
    const costly = makePortfolio(TWO, {
      trading: { commission: { perShare: 0.005, minimum: 150, maximumPercent: 100 } },
    });
    expect(planOk(costly, account(62, 76)).orders).toEqual([]);
    const cheap = makePortfolio(TWO, {
      trading: { commission: { perShare: 0.005, minimum: 20, maximumPercent: 100 } },
    });
    expect(planOk(cheap, account(62, 76)).orders).not.toEqual([]);
  });

  it("keeps no plan that commissions leave worth less than the least improvement (2e-5 of the account)", () => {
    // A 1,000,000 account to the band edge: AAA is 1.01 points over 60% ± 1, BBB 1.01 under 39.9% ± 1.
    // Selling 2 AAA and buying 2 BBB brings both back inside; what it gains net of two commissions
    // falls from about 28 to about 16 between a 62 and a 64 minimum, and the least gain worth trading
    // on this account is 20. The trades would still lower drift: commissions eat the gain, not the drift.
    const portfolio = (minimum: number) =>
      makePortfolio(
        [
          { symbol: "AAA", weight: 60 },
          { symbol: "BBB", weight: 39.9 },
        ],
        {
          cash: { weight: 0.1, minimum: 0 },
          trading: {
            rebalanceTo: "band-edge",
            commission: { perShare: 0.005, minimum, maximumPercent: 100 },
          },
        },
      );
    const snapshot = makeSnapshot(
      [
        { symbol: "AAA", quantity: 6101, price: 100 },
        { symbol: "BBB", quantity: 7778, price: 50 },
      ],
      { cash: { USD: 1000 } },
    );
    const worth = planOk(portfolio(62), snapshot);
    expect(tradesBySymbol(worth)).toEqual({ AAA: -2, BBB: 2 });
    expect(worth.drift.after).toBeLessThan(worth.drift.before);
    const notWorth = planOk(portfolio(64), snapshot);
    expect(notWorth.orders).toEqual([]);
    expect(notWorth.drift.after).toBe(notWorth.drift.before);
  });
});

describe("guardrails", () => {
  it("compares maxOrderValue with an order's value in the base currency", () => {
    const targets = TWO.map((t) => ({ ...t, currency: "EUR" }));
    const snapshot = makeSnapshot(
      [
        { symbol: "AAA", quantity: 100, price: 100, currency: "EUR" },
        { symbol: "BBB", quantity: 10, price: 50, currency: "EUR" },
      ],
      { cash: { EUR: 1000, USD: 0 }, rates: { USD: 1, EUR: 2 } },
    );
    const free = planOk(makePortfolio(targets), snapshot);
    const sell = free.orders.find((o) => o.side === "SELL")!;
    expect(sell.estimatedValueBase).toBe(sell.estimatedValue * 2);
    // Between the order's value in EUR and in USD: only the base-currency value is over it.
    const limits = { maxOrderValue: sell.estimatedValue * 1.5, maxTurnover: 200 };
    const result = plan(makePortfolio(targets, { limits }), snapshot);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toContain("max-order-value");
  });

  it("refuses any turnover against a net liquidation value of zero or less", () => {
    const planned = planOk(makePortfolio(TWO), account(70, 60));
    const portfolio = makePortfolio(TWO, { limits: { maxOrderValue: 1e9, maxTurnover: 1000 } });
    expect(checkGuardrails(portfolio, planned.orders, 10_000, { USD: 0 }, { USD: 1 })).toEqual([]);
    for (const netLiquidation of [0, -10_000]) {
      const problems = checkGuardrails(portfolio, planned.orders, netLiquidation, { USD: 0 }, { USD: 1 });
      expect(
        problems.map((p) => p.code),
        `net liquidation ${netLiquidation}`,
      ).toEqual(["max-turnover"]);
    }
  });

  it("allows turnover of exactly maxTurnover, and cash that ends at zero", () => {
    const planned = planOk(makePortfolio(TWO), account(70, 60));
    const turnover = planned.orders.reduce((sum, o) => sum + o.estimatedValueBase, 0);
    const portfolio = makePortfolio(TWO, { limits: { maxOrderValue: 1e9, maxTurnover: 10 } });
    expect(checkGuardrails(portfolio, planned.orders, turnover * 10, { USD: 0 }, { USD: 1 })).toEqual([]);
    expect(
      checkGuardrails(portfolio, planned.orders, turnover * 10, { USD: -0.01 }, { USD: 1 }).map(
        (p) => p.code,
      ),
    ).toEqual(["currency-short"]);
  });
});

describe("the plan hash", () => {
  // Planned inside each test, not when the file is collected: a mutation run then sees which tests
  // reach the planner's code.
  const planTwo = () => planOk(makePortfolio(TWO), account(70, 60));

  it("refuses a recorded hash that differs only after its first 12 hex digits", () => {
    const planned = planTwo();
    const last = planned.hash.at(-1) === "0" ? "1" : "0";
    const forged = { ...planned, hash: planned.hash.slice(0, -1) + last };
    expect(verifyPlanHash(forged)).toMatchObject({
      ok: false,
      recorded: forged.hash,
      computed: planned.hash,
    });
  });

  it("hashes the canonical form: the same plan with its keys in another order has the same hash", () => {
    const planned = planTwo();
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : typeof value === "object" && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const shuffled = reversed(planned) as typeof planned;
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(planned));
    expect(hashPlan(shuffled)).toBe(planned.hash);
    expect(verifyPlanHash(shuffled)).toEqual({ ok: true, hash: planned.hash });
  });
});
