// A EUR-base account holding USD funds (VTI, BND) and a EUR one (SAP), with the EUR.USD pair quoted:
// the common IB setup outside the US, for the tests of currency conversions.
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { makePortfolio, makeSnapshot, type HoldingSpec, type PortfolioOverrides } from "./plan-builders.js";

export const EUR_USD = 12087792;
export const RATES = { EUR: 1, USD: 0.92 }; // EUR base: one USD is worth 0.92 EUR
export const PAIR_MID = 1.087; // USD per EUR

/** The EUR.USD pair as IB lists it, quoted a half pip either side of PAIR_MID. */
export const EUR_USD_PAIR: HoldingSpec = {
  symbol: "EUR",
  conId: EUR_USD,
  secType: "CASH",
  currency: "USD",
  minTick: 0.00005,
  quote: { bid: PAIR_MID - 0.00005, ask: PAIR_MID + 0.00005 },
};

export function eurAccount(
  cash: Record<string, number>,
  holdings: { VTI?: number; BND?: number; SAP?: number } = {},
): Snapshot {
  return makeSnapshot(
    [
      { symbol: "VTI", currency: "USD", quantity: holdings.VTI ?? 0, quote: { bid: 249.95, ask: 250.05 } },
      { symbol: "BND", currency: "USD", quantity: holdings.BND ?? 0, quote: { bid: 72.48, ask: 72.52 } },
      { symbol: "SAP", currency: "EUR", quantity: holdings.SAP ?? 0, quote: { bid: 199.9, ask: 200.1 } },
      EUR_USD_PAIR,
    ],
    { baseCurrency: "EUR", cash, rates: RATES },
  );
}

/** Targets VTI and BND in USD and SAP in EUR, cash the rest, with fx.mode: convert unless overridden. */
export function eurPortfolio(
  overrides: PortfolioOverrides = {},
  weights: { VTI: number; BND: number; SAP: number } = { VTI: 50, BND: 30, SAP: 18 },
): Portfolio {
  return makePortfolio(
    [
      { symbol: "VTI", weight: weights.VTI, currency: "USD" },
      { symbol: "BND", weight: weights.BND, currency: "USD" },
      { symbol: "SAP", weight: weights.SAP },
    ],
    {
      baseCurrency: "EUR",
      cash: { weight: 100 - weights.VTI - weights.BND - weights.SAP, minimum: 0 },
      fx: { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep: false },
      ...overrides,
    },
  );
}
