// Hand-made rebalance problems for the whole-increment search's tests, and the rules every plan must
// keep, written out here rather than read from the search.
import { expect } from "vitest";
import { IncrementSearch } from "../../src/core/increment-search.js";
import type { RebalanceCash, RebalanceHolding, RebalanceProblem } from "../../src/core/rebalance-problem.js";

export type HoldingSpec = Partial<RebalanceHolding> & {
  value: number;
  target: number;
  unit: number;
  fee?: number;
};

/** A holding out of band (primary) with no band, selling what it holds, with a flat fee per order. */
export function holding({ fee = 0, ...spec }: HoldingSpec): RebalanceHolding {
  return {
    band: 0,
    primary: true,
    sellableUnits: Math.floor(spec.value / spec.unit + 1e-9),
    canBuy: true,
    minUnits: 1,
    commission: () => fee,
    commissionKinks: [],
    ...spec,
  };
}

export function cash(spec: Partial<RebalanceCash> & { value: number; target: number }): RebalanceCash {
  return { band: 0, primary: false, floor: 0, ...spec };
}

/** A holding on its target: it may not trade, and it adds nothing to the managed value. */
export function idle(): RebalanceHolding {
  return holding({ value: 0, target: 0, unit: 1 });
}

/** The same problem with idle holdings after its own, up to `size` holdings. */
export function padded(problem: RebalanceProblem, size: number): RebalanceProblem {
  const extra = Array.from({ length: size - problem.holdings.length }, idle);
  return { ...problem, holdings: [...problem.holdings, ...extra] };
}

export function objectiveOf(problem: RebalanceProblem, units: number[]): number {
  const search = new IncrementSearch(problem);
  search.restore(units);
  return search.objective();
}

/**
 * The least objective over every plan the rules allow, by trying them all: each holding trades nothing,
 * or at least its minimum order toward its target and at most one increment past it (sells no more than
 * it holds, buys only when it may), and a plan that buys leaves cash after commissions at its floor or
 * above. The bounds are written out here rather than read from the search.
 */
export function bestByEnumeration(problem: RebalanceProblem): number {
  const choices = problem.holdings.map((h) => {
    const gap = h.target - h.value;
    const steps = Math.ceil(Math.abs(gap) / h.unit - 1e-9);
    const minimum = Math.max(1, h.minUnits);
    const ks = [0];
    if (gap > 0 && h.canBuy) for (let k = minimum; k <= steps; k++) ks.push(k);
    if (gap < 0) for (let k = minimum; k <= Math.min(steps, h.sellableUnits); k++) ks.push(-k);
    return ks;
  });
  let best = Infinity;
  const units = new Array<number>(choices.length).fill(0);
  const visit = (i: number): void => {
    if (i === choices.length) {
      const paid = units.reduce((sum, k, j) => sum + k * (problem.holdings[j] as RebalanceHolding).unit, 0);
      const fees = units.reduce(
        (sum, k, j) =>
          sum + (k === 0 ? 0 : (problem.holdings[j] as RebalanceHolding).commission(Math.abs(k))),
        0,
      );
      const buys = units.some((k) => k > 0);
      if (buys && problem.cash.value - paid - fees < problem.cash.floor - 1e-9) return;
      best = Math.min(best, objectiveOf(problem, units));
      return;
    }
    for (const k of choices[i] as number[]) {
      units[i] = k;
      visit(i + 1);
    }
    units[i] = 0;
  };
  visit(0);
  return best;
}

/** The managed value, as the search scales its tolerances. */
export function scaleOf(problem: RebalanceProblem): number {
  return Math.max(
    1,
    problem.holdings.reduce((sum, h) => sum + Math.abs(h.value), 0) + Math.abs(problem.cash.value),
  );
}

/** Each quantity within the rules of bestByEnumeration, and cash at or above its floor after buys. */
export function expectWithinRules(problem: RebalanceProblem, units: number[]): void {
  let paid = 0;
  units.forEach((k, i) => {
    const h = problem.holdings[i] as RebalanceHolding;
    const gap = h.target - h.value;
    const steps = Math.ceil(Math.abs(gap) / h.unit - 1e-9);
    if (k !== 0) expect(Math.abs(k)).toBeGreaterThanOrEqual(h.minUnits);
    expect(Number.isInteger(k)).toBe(true);
    if (k > 0) expect(gap > 0 && h.canBuy && k <= steps).toBe(true);
    if (k < 0) expect(gap < 0 && -k <= Math.min(steps, h.sellableUnits)).toBe(true);
    paid += k * h.unit + (k === 0 ? 0 : h.commission(Math.abs(k)));
  });
  if (units.some((k) => k > 0))
    expect(problem.cash.value - paid).toBeGreaterThanOrEqual(problem.cash.floor - 1e-9);
}

/**
 * A small random problem (2 to 7 holdings) of the kind the exact search may stop short on: prices with
 * cents, holdings in and out of band, flat fees, minimum orders of one or two increments, a cash floor.
 */
export function randomProblem(random: () => number): RebalanceProblem {
  const count = 2 + Math.floor(random() * 6);
  const holdings = Array.from({ length: count }, () => {
    const unit = Math.round((20 + random() * 3000) * 100) / 100;
    const value = Math.floor(random() * 10) * unit;
    const target = Math.round(random() * 20_000);
    const fee = random() < 0.5 ? 0 : Math.round(random() * 10);
    const minUnits = random() < 0.7 ? 1 : 2;
    const band = random() < 0.5 ? 0 : Math.round(random() * 3000);
    return holding({ value, target, unit, fee, minUnits, band, primary: random() < 0.6 });
  });
  const value = Math.round(random() * 30_000);
  return {
    rebalanceTo: random() < 0.5 ? "target" : "band-edge",
    holdings,
    cash: cash({
      value,
      target: Math.round(random() * 5000),
      primary: random() < 0.5,
      floor: random() < 0.5 ? 0 : Math.round(random() * 3000),
    }),
  };
}
