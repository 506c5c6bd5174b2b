// The details of the planner's rules that a refusal or an order carries: which field and document a
// guardrail names and how to fix it, cash short in a foreign currency, commissions of nothing, limit
// prices on odd ticks, and what the hash check says of a document that is not a plan.
import { describe, expect, it } from "vitest";
import { checkGuardrails } from "../../src/core/check-guardrails.js";
import { estimateCommission } from "../../src/core/estimate-commission.js";
import { verifyPlanHash } from "../../src/core/hash-plan.js";
import { limitPrice } from "../../src/core/limit-price.js";
import type { PlanOrder } from "../../src/core/plan.js";
import { makePortfolio } from "./plan-builders.js";

const portfolio = makePortfolio([{ symbol: "AAA", weight: 100 }], {
  limits: { maxOrderValue: 1_000, maxTurnover: 10 },
});

function order(leg: string, side: "BUY" | "SELL", currency: string, valueBase: number): PlanOrder {
  return {
    leg,
    conId: leg.length,
    symbol: `${leg}X`,
    secType: "STK",
    exchange: "SMART",
    currency,
    side,
    quantity: 1,
    orderType: "MKT",
    timeInForce: "DAY",
    estimatedPrice: valueBase,
    estimatedValue: valueBase,
    estimatedValueBase: valueBase,
    estimatedCommission: 1,
    reason: "test",
  };
}

describe("guardrail problems say which field, where, and how to fix it", () => {
  it("maxOrderValue and maxTurnover", () => {
    const problems = checkGuardrails(
      portfolio,
      [order("B1", "BUY", "USD", 1_500)],
      10_000,
      { USD: 0 },
      { USD: 1 },
    );
    expect(problems).toEqual([
      {
        code: "max-order-value",
        document: "portfolio",
        field: "limits.maxOrderValue",
        symbol: "B1X",
        conId: 2,
        message:
          "B1 BUY 1 B1X is worth about 1,500.00 USD, over limits.maxOrderValue (1,000.00 USD) by 500.00 USD",
        hint: "raise limits.maxOrderValue in portfolio.yaml, or rebalance in smaller steps (rebalanceTo: band-edge trades less)",
      },
      {
        code: "max-turnover",
        document: "portfolio",
        field: "limits.maxTurnover",
        message:
          "the plan trades 1,500.00 USD, 15.00% of net liquidation value, over limits.maxTurnover (10%) by 5.00 percentage points (500.00 USD)",
        hint: "raise limits.maxTurnover in portfolio.yaml, or rebalance in smaller steps (rebalanceTo: band-edge trades less)",
      },
    ]);
  });

  it("cash short in each currency the buys spend, in currency order, valued in the base currency", () => {
    const orders = [
      order("B1", "BUY", "EUR", 100),
      order("B2", "BUY", "EUR", 100),
      order("B3", "BUY", "CAD", 100),
      order("S1", "SELL", "GBP", 100),
    ];
    const cashAfter = { EUR: -50, CAD: -0.005, GBP: -70 };
    const problems = checkGuardrails(portfolio, orders, 100_000, cashAfter, { USD: 1, EUR: 1.1, CAD: 0.7 });
    // Only the currencies the buys spend; a sell's currency and cash of exactly -0.005 are not short.
    expect(problems).toEqual([
      {
        code: "currency-short",
        document: "snapshot",
        field: "cash.EUR",
        message:
          "EUR cash would be -50.00 EUR after the orders that spend it (B1 B1X, B2 B2X): 50.00 EUR (about 55.00 USD) short",
        hint: "set fx.mode: convert in portfolio.yaml to plan the conversion, or buy at least 50.00 EUR with another currency by hand, then plan again",
      },
    ]);
    const both = checkGuardrails(
      portfolio,
      orders,
      100_000,
      { EUR: -50, CAD: -1 },
      { USD: 1, EUR: 1.1, CAD: 0.7 },
    );
    expect(both.map((p) => p.field)).toEqual(["cash.CAD", "cash.EUR"]);
    expect(both[0]?.message).toContain("1.00 CAD (about 0.70 USD) short");
    const base = checkGuardrails(
      portfolio,
      [order("B1", "BUY", "USD", 100)],
      100_000,
      { USD: -2 },
      { USD: 1 },
    );
    expect(base[0]?.message).toBe(
      "USD cash would be -2.00 USD after the orders that spend it (B1 B1X): 2.00 USD short",
    );
  });
});

describe("guardrails with fx.mode: convert", () => {
  const converting = makePortfolio([{ symbol: "AAA", weight: 100 }], {
    limits: { maxOrderValue: 1e9, maxTurnover: 10 },
    fx: { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep: false },
  });
  /** A conversion leg: BUY EUR.USD pays USD for EUR, SELL GBP.USD pays GBP for USD. */
  const conversion = (leg: string, side: "BUY" | "SELL", symbol: string, valueBase: number): PlanOrder => ({
    ...order(leg, side, "USD", valueBase),
    symbol,
    secType: "CASH",
    exchange: "IDEALPRO",
  });

  it("counts no conversion as turnover, and names the conversion that spends a short currency", () => {
    const orders = [
      conversion("F1", "BUY", "EUR", 5_000),
      conversion("F2", "SELL", "GBP", 2_000),
      order("B1", "BUY", "EUR", 500),
      // A stock sell spends no cash, even of a stock whose symbol is a currency's.
      { ...order("S1", "SELL", "USD", 100), symbol: "GBP" },
    ];
    // 600 of 10,000 traded is 6%, within 10%; with the conversions it would be 76%.
    const problems = checkGuardrails(
      converting,
      orders,
      10_000,
      { USD: -30, EUR: 0, GBP: -10 },
      { USD: 1, GBP: 1.25 },
    );
    expect(problems).toEqual([
      {
        code: "currency-short",
        document: "snapshot",
        field: "cash.GBP",
        message:
          "GBP cash would be -10.00 GBP after the orders that spend it (F2 GBP.USD): 10.00 GBP (about 12.50 USD) short",
        hint: "no currency the account holds can pay for it: add 10.00 GBP (or its worth in USD) to the account, or lower the targets in GBP, then plan again",
      },
      {
        code: "currency-short",
        document: "snapshot",
        field: "cash.USD",
        message: "USD cash would be -30.00 USD after the orders that spend it (F1 EUR.USD): 30.00 USD short",
        hint: "no currency the account holds can pay for it: add 30.00 USD (or its worth in USD) to the account, or lower the targets in USD, then plan again",
      },
    ]);
  });
});

describe("estimateCommission", () => {
  const schedule = { perShare: 0.005, minimum: 1, maximumPercent: 1 };

  it("charges nothing for no shares, and the minimum or the cap otherwise", () => {
    expect(estimateCommission(schedule, 0, 100)).toBe(0);
    expect(estimateCommission(schedule, -5, 100)).toBe(0);
    expect(estimateCommission(schedule, 10, 100)).toBe(1);
    expect(estimateCommission(schedule, 1_000, 100)).toBe(5);
    expect(estimateCommission(schedule, 10, 5)).toBeCloseTo(0.5, 10);
  });
});

describe("limitPrice", () => {
  it("rounds inward to the tick, whatever the tick's decimals", () => {
    expect(limitPrice("BUY", 250, 10, 0.01)).toBe(250.25);
    expect(limitPrice("SELL", 250, 10, 0.01)).toBe(249.75);
    expect(limitPrice("BUY", 1.23456, 10, 0.0001)).toBe(1.2357);
    expect(limitPrice("SELL", 1.23456, 10, 0.0001)).toBe(1.2334);
    expect(limitPrice("BUY", 10.33, 10, 0.05)).toBe(10.3);
    expect(limitPrice("SELL", 10.33, 10, 0.05)).toBe(10.35);
    expect(limitPrice("BUY", 1234, 10, 5)).toBe(1235);
    expect(limitPrice("BUY", 0.7, 10, 0.1)).toBe(0.7);
    expect(limitPrice("SELL", 0.7, 10, 0.1)).toBe(0.7);
  });

  it("takes 0.01 when the contract gives no tick, and never goes below one tick", () => {
    expect(limitPrice("BUY", 100, 10, 0)).toBe(100.1);
    expect(limitPrice("BUY", 100, 10, -1)).toBe(100.1);
    expect(limitPrice("BUY", 0.004, 10, 0.01)).toBe(0.01);
  });
});

describe("verifyPlanHash of what is not a plan", () => {
  it("says a string is not a JSON object", () => {
    expect(verifyPlanHash("plan")).toMatchObject({ ok: false, message: "the plan is not a JSON object" });
  });

  it("says a document with a number JSON cannot write cannot be hashed", () => {
    expect(verifyPlanHash({ hash: "f".repeat(64), value: Number.NaN })).toMatchObject({
      ok: false,
      recorded: "f".repeat(64),
      computed: undefined,
    });
    const check = verifyPlanHash({ hash: 5, value: Number.POSITIVE_INFINITY });
    expect(check).toMatchObject({ ok: false, recorded: undefined });
    expect(check.ok ? "" : check.message).toMatch(/^the plan cannot be hashed: /);
  });
});
