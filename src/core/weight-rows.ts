import { bandWidth, isInBand } from "./band-width.js";
import { estimateCommission } from "./estimate-commission.js";
import type { PlanWeight } from "./plan.js";
import type { Portfolio } from "./portfolio.js";
import { roundMoney, roundPercent, roundQuantity } from "./round-to.js";
import type { Snapshot } from "./snapshot.js";
import type { ValuedHolding } from "./value-holdings.js";

/** One managed holding and what the plan does with it. */
export interface Line {
  holding: ValuedHolding;
  /** sizeIncrement of the contract: orders are whole multiples of it. */
  increment: number;
  /** Shares to trade: positive buys, negative sells. */
  shares: number;
  /** Out of band before the plan. */
  primary: boolean;
  /** In band, but trades to take or give what the out-of-band trades need. */
  secondary: boolean;
}

export interface WeightSummary {
  weights: PlanWeight[];
  byConId: Map<number, PlanWeight>;
  /** Fractions, not percent. */
  driftBefore: number;
  driftAfter: number;
  /** Per currency, rounded to cents. */
  cashAfter: Record<string, number>;
  /** The same, unrounded. */
  cashAfterExact: Map<string, number>;
  commissionsBase: number;
}

/** What conversions add to each currency's cash, and their commissions in the base currency. */
export interface CashChanges {
  cashDelta: ReadonlyMap<string, number>;
  commissionsBase: number;
}

/**
 * Weights before and after the plan's orders at their estimated prices and commissions, over the
 * managed value (before) and what is left of it after commissions (after), and the drift they give.
 */
export function weightRows(
  portfolio: Portfolio,
  snapshot: Snapshot,
  lines: Line[],
  managedValue: number,
  conversions?: CashChanges,
): WeightSummary {
  const rates = snapshot.exchangeRates;
  const cash = new Map<string, number>(Object.entries(snapshot.cash));
  let commissionsBase = conversions?.commissionsBase ?? 0;
  for (const [currency, delta] of conversions?.cashDelta ?? []) {
    cash.set(currency, (cash.get(currency) ?? 0) + delta);
  }
  // Values after the plan by position in `lines`: a list, not a map keyed by line (10,000 at 10,000 targets).
  const after: number[] = [];
  for (const line of lines) {
    const { holding, shares } = line;
    const price = holding.price ?? 0;
    after.push((holding.quantity + shares) * price * holding.fx);
    if (shares === 0) continue;
    const commission = estimateCommission(portfolio.trading.commission, Math.abs(shares), price);
    commissionsBase += commission * holding.fx;
    cash.set(holding.currency, (cash.get(holding.currency) ?? 0) - shares * price - commission);
  }
  const toBase = (entries: Iterable<[string, number]>): number =>
    [...entries].reduce((sum, [currency, amount]) => sum + amount * (rates[currency] ?? 0), 0);
  const cashBefore = toBase(Object.entries(snapshot.cash));
  const cashAfterBase = toBase(cash);
  const valueAfter = after.reduce((sum, v) => sum + v, 0) + cashAfterBase;

  // Positions in `lines`, sorted (stably, as the lines themselves would be).
  const ordered = lines
    .map((_, i) => i)
    .sort((i, j) => {
      const a = (lines[i] as Line).holding;
      const b = (lines[j] as Line).holding;
      return (
        (a.targetIndex ?? Number.MAX_SAFE_INTEGER) - (b.targetIndex ?? Number.MAX_SAFE_INTEGER) ||
        a.conId - b.conId
      );
    });
  const weights: PlanWeight[] = [];
  const byConId = new Map<number, PlanWeight>();
  let driftBefore = 0;
  let driftAfter = 0;
  // Keys in sorted order: the plan is hashed in canonical form, and sorted objects need no copy.
  const row = (line: Line | undefined, target: number, before: number, afterValue: number): PlanWeight => {
    const band = bandWidth(target, portfolio.bands);
    const wBefore = before / managedValue;
    const wAfter = afterValue / valueAfter;
    driftBefore += Math.abs(wBefore - target);
    driftAfter += Math.abs(wAfter - target);
    const holding = line?.holding;
    const inBandAfter = isInBand(wAfter, target, band);
    const inBandBefore = isInBand(wBefore, target, band);
    if (line === undefined || holding === undefined) {
      return {
        after: roundPercent(wAfter),
        band: roundPercent(band),
        before: roundPercent(wBefore),
        inBandAfter,
        inBandBefore,
        kind: "cash",
        symbol: "CASH",
        target: roundPercent(target),
      };
    }
    return {
      after: roundPercent(wAfter),
      band: roundPercent(band),
      before: roundPercent(wBefore),
      conId: holding.conId,
      currency: holding.currency,
      inBandAfter,
      inBandBefore,
      kind: holding.kind,
      quantityAfter: roundQuantity(holding.quantity + line.shares),
      quantityBefore: roundQuantity(holding.quantity),
      symbol: holding.symbol,
      target: roundPercent(target),
    };
  };
  for (const i of ordered) {
    const line = lines[i] as Line;
    const weight = row(line, line.holding.targetWeight, line.holding.value, after[i] as number);
    weights.push(weight);
    byConId.set(line.holding.conId, weight);
  }
  weights.push(row(undefined, portfolio.cash.weight / 100, cashBefore, cashAfterBase));
  const cashAfter: Record<string, number> = {};
  for (const [currency, amount] of [...cash].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    cashAfter[currency] = roundMoney(amount);
  }
  return {
    weights,
    byConId,
    driftBefore: driftBefore / 2,
    driftAfter: driftAfter / 2,
    cashAfter,
    cashAfterExact: cash,
    commissionsBase,
  };
}
