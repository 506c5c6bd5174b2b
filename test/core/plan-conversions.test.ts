// Currency conversions in the plan (fx.mode: convert): a EUR-base account holding USD funds, the common
// IB setup outside the US. Every test goes through computePlan.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan.js";
import { renderMarkdown } from "../../src/core/render-markdown.js";
import { renderText } from "../../src/core/render-text.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { EUR_USD, EUR_USD_PAIR, PAIR_MID, RATES, eurAccount, eurPortfolio } from "./eur-account.js";
import { makePortfolio, makeSnapshot, planErrors, planOk } from "./plan-builders.js";

/**
 * Cash per currency after each wave of the run (sells, conversions, buys), at the plan's prices or, with
 * `worst`, with conversions filled at their limit prices. (Buys at moved prices are apply's to size from
 * the cash there is.)
 */
function cashAfterEachWave(snapshot: Snapshot, plan: Plan, worst: boolean) {
  const cash: Record<string, number> = { ...snapshot.cash };
  const add = (currency: string, amount: number): void => {
    cash[currency] = (cash[currency] ?? 0) + amount;
  };
  const waves: Record<string, number>[] = [];
  for (const wave of ["S", "F", "B"]) {
    for (const order of plan.orders.filter((o) => o.leg.startsWith(wave))) {
      const sign = order.side === "BUY" ? 1 : -1;
      if (order.secType === "CASH") {
        const price = worst ? (order.limitPrice ?? order.estimatedPrice) : order.estimatedPrice;
        add(order.symbol, sign * order.quantity);
        add(order.currency, -sign * order.quantity * price);
        add(plan.baseCurrency, -order.estimatedCommission * (snapshot.exchangeRates[order.currency] ?? 1));
      } else {
        add(order.currency, -sign * order.quantity * order.estimatedPrice - order.estimatedCommission);
      }
    }
    waves.push({ ...cash });
  }
  return waves;
}

describe("currency conversions (fx.mode: convert)", () => {
  it("converts euros into the dollars the USD buys need, between the sells and the buys", () => {
    const snapshot = eurAccount({ EUR: 40_000, USD: 500 }, { VTI: 20, BND: 100, SAP: 30 });
    const planned = planOk(eurPortfolio(), snapshot);
    expect(planned.orders.map((o) => o.leg)).toEqual(["F1", "B1", "B2", "B3"]);
    const [f1] = planned.orders;
    expect(f1).toMatchObject({
      conId: EUR_USD,
      secType: "CASH",
      symbol: "EUR",
      currency: "USD",
      side: "SELL", // sells euros for dollars on EUR.USD
      orderType: "LMT",
      timeInForce: "DAY",
    });
    // The collar is under the midpoint for a sale, on the pair's half-pip grid.
    expect(f1?.limitPrice).toBeLessThan(PAIR_MID);
    expect(Math.round((f1?.limitPrice ?? 0) / 0.00005) * 0.00005).toBeCloseTo(f1?.limitPrice ?? 0, 10);
    expect(f1?.reason).toMatch(
      /^buys USD: buys need [\d,.]+ USD with commissions, cash and sells give 500\.00 USD/,
    );
    expect(f1?.reason).toMatch(/rate EUR\.USD 1\.087 \(bid\/ask midpoint at 2026-11-24T15:00:00Z\)$/);
    // IB: 0.2 basis points, at least 2 USD.
    expect(f1?.estimatedCommission).toBe(2);
    expect(planned.cashAfter["USD"]).toBeGreaterThanOrEqual(0);
    expect(planned.cashAfter["EUR"]).toBeGreaterThanOrEqual(0);
    // A conversion is not turnover: only the holdings' orders count.
    const holdings = planned.orders.filter((o) => o.secType !== "CASH");
    expect(planned.turnover.value).toBeCloseTo(
      holdings.reduce((sum, o) => sum + o.estimatedValueBase, 0),
      1,
    );
  });

  it("shows a conversion by its pair and counts it apart from the sells and buys", () => {
    const planned = planOk(
      eurPortfolio(),
      eurAccount({ EUR: 40_000, USD: 500 }, { VTI: 20, BND: 100, SAP: 30 }),
    );
    for (const text of [renderText(planned, { color: false }), renderMarkdown(planned)]) {
      expect(text).toContain("4 orders (0 sells, 1 conversion, 3 buys)");
      expect(text).toMatch(/F1\W+SELL\W+[\d,]+\W+EUR\.USD\W/);
    }
  });

  it("warns that a conversion below 25,000 USD is an odd lot, and not one above", () => {
    const small = planOk(eurPortfolio(), eurAccount({ EUR: 20_000, USD: 0 }));
    expect(small.warnings.filter((w) => w.code === "fx-odd-lot").map((w) => w.symbol)).toEqual(["EUR.USD"]);
    const large = planOk(eurPortfolio(), eurAccount({ EUR: 200_000, USD: 0 }));
    expect(large.orders[0]?.estimatedValueBase).toBeGreaterThan(25_000 * RATES.USD);
    expect(large.warnings.map((w) => w.code)).not.toContain("fx-odd-lot");
  });

  it("with fx.mode: forbid plans no conversion and refuses, naming the amount", () => {
    const errors = planErrors(
      eurPortfolio({ fx: { mode: "forbid", minOrder: 100, limitOffsetBps: 5, sweep: false } }),
      eurAccount({ EUR: 40_000, USD: 0 }),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "currency-short",
        field: "cash.USD",
        message: expect.stringMatching(
          /^USD cash would be -[\d,.]+ USD .*: [\d,.]+ USD \(about [\d,.]+ EUR\) short$/,
        ),
        hint: expect.stringMatching(/^set fx.mode: convert/),
      }),
    ]);
  });

  it("refuses, saying what to do, when the snapshot has no pair to convert with", () => {
    const snapshot = eurAccount({ EUR: 40_000, USD: 0 });
    const withoutPair = {
      ...snapshot,
      contracts: snapshot.contracts.filter((c) => c.secType !== "CASH"),
      quotes: snapshot.quotes.filter((q) => q.conId !== EUR_USD),
    };
    expect(planErrors(eurPortfolio(), withoutPair)).toEqual([
      expect.objectContaining({
        code: "no-fx-pair",
        message: expect.stringMatching(/^buying USD with EUR needs the IDEALPRO pair of USD and EUR/),
        hint: expect.stringMatching(/take the snapshot again/),
      }),
    ]);
  });

  it("raises a needed conversion to fx.minOrder when the euros are there", () => {
    // The dollars nearly pay the buys: a few dollars short, and a tenth of the account in euro cash.
    const portfolio = eurPortfolio(
      { fx: { mode: "convert", minOrder: 1_000, limitOffsetBps: 5, sweep: false } },
      { VTI: 50, BND: 30, SAP: 10 },
    );
    const planned = planOk(
      portfolio,
      eurAccount({ EUR: 10_000, USD: 1_500 }, { VTI: 210, BND: 450, SAP: 50 }),
    );
    const f1 = planned.orders.find((o) => o.leg === "F1");
    expect(f1?.reason).toMatch(/cash and sells give/);
    expect(f1?.estimatedValueBase).toBeGreaterThanOrEqual(1_000);
  });

  // An account at its targets, with its 2% cash half in euros and half in dollars (dividends).
  const atTargets = { VTI: 217, BND: 450, SAP: 90 };

  it("sweeps dollars the buys do not need back to euros with fx.sweep, and leaves them without it", () => {
    const snapshot = eurAccount({ EUR: 1_000, USD: 1_087 }, atTargets);
    expect(planOk(eurPortfolio(), snapshot).orders).toEqual([]);
    const swept = planOk(
      eurPortfolio({ fx: { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep: true } }),
      snapshot,
    );
    expect(swept.orders.map((o) => [o.leg, o.side, o.symbol, o.currency])).toEqual([
      ["F1", "BUY", "EUR", "USD"],
    ]);
    expect(swept.orders[0]?.reason).toMatch(/^sells USD: fx\.sweep: 1,087\.00 USD after the orders/);
    expect(swept.cashAfter["USD"]).toBeGreaterThanOrEqual(0);
    expect(swept.cashAfter["USD"]).toBeLessThan(5);
    expect(swept.turnover.value).toBe(0);
  });

  it("plans no sweep smaller than fx.minOrder", () => {
    const snapshot = eurAccount({ EUR: 1_900, USD: 80 }, atTargets);
    const planned = planOk(
      eurPortfolio({ fx: { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep: true } }),
      snapshot,
    );
    expect(planned.orders).toEqual([]);
  });

  it("keeps each currency at its cash.currencies part", () => {
    const planned = planOk(
      eurPortfolio({ cash: { weight: 2, minimum: 0, currencies: { EUR: 1, USD: 1 } } }),
      eurAccount({ EUR: 30_000, USD: 0 }, { VTI: 60, BND: 150, SAP: 40 }),
    );
    const usdWeight = ((planned.cashAfter["USD"] ?? 0) * RATES.USD) / planned.managedValue;
    expect(usdWeight * 100).toBeGreaterThan(0.75);
    expect(usdWeight * 100).toBeLessThan(1.5);
  });

  it("pays a USD account's USD buys with the euros it holds", () => {
    const snapshot = makeSnapshot(
      [{ symbol: "VTI", quantity: 0, quote: { bid: 249.95, ask: 250.05 } }, EUR_USD_PAIR],
      { cash: { USD: 100, EUR: 20_000 }, rates: { USD: 1, EUR: PAIR_MID } },
    );
    const planned = planOk(
      makePortfolio([{ symbol: "VTI", weight: 95 }], {
        cash: { weight: 5, minimum: 0 },
        fx: { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep: false },
      }),
      snapshot,
    );
    expect(planned.orders.map((o) => [o.leg, o.side, o.symbol])).toEqual([
      ["F1", "SELL", "EUR"],
      ["B1", "BUY", "VTI"],
    ]);
    expect(planned.cashAfter["USD"]).toBeGreaterThanOrEqual(0);
    expect(planned.cashAfter["EUR"]).toBeGreaterThanOrEqual(0);
  });

  it("keeps every currency at or above zero after each step of the run, conversions also at their limit prices", () => {
    fc.assert(
      fc.property(
        fc.record({
          eur: fc.integer({ min: 0, max: 300_000 }),
          usd: fc.integer({ min: 0, max: 50_000 }),
          vti: fc.integer({ min: 0, max: 400 }),
          bnd: fc.integer({ min: 0, max: 1_500 }),
          sap: fc.integer({ min: 0, max: 400 }),
          cashWeight: fc.integer({ min: 0, max: 10 }),
          sweep: fc.boolean(),
        }),
        ({ eur, usd, vti, bnd, sap, cashWeight, sweep }) => {
          const snapshot = eurAccount({ EUR: eur, USD: usd }, { VTI: vti, BND: bnd, SAP: sap });
          if (eur + usd + vti + bnd + sap === 0) return;
          const portfolio = eurPortfolio(
            { fx: { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep } },
            { VTI: 55 - cashWeight, BND: 25, SAP: 20 },
          );
          const planned = planOk(portfolio, snapshot);
          for (const worst of [false, true]) {
            const waves = cashAfterEachWave(snapshot, planned, worst);
            for (const [i, wave] of waves.entries()) {
              for (const [currency, amount] of Object.entries(wave)) {
                expect(
                  amount,
                  `${currency} after wave ${"SFB"[i]}${worst ? " (worst prices)" : ""}`,
                ).toBeGreaterThanOrEqual(-0.01);
              }
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
