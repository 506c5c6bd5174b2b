import { reachCost, type Reach } from "./rebalance-problem.js";
import type { IncrementSearch } from "./increment-search.js";

/** Branch and bound stops after this many nodes and keeps the best plan found so far. */
const NODE_BUDGET = 100_000;

interface Choice {
  index: number;
  /** Candidate quantities, the most likely first. */
  candidates: number[];
  /** Relaxation of this holding over its candidate range: least cost, and where that cost is reached. */
  minCost: number;
  flatLo: number;
  flatHi: number;
  minSpend: number;
}

/**
 * Exact search over a window of whole increments around the continuous flows (one step either side of
 * floor and ceiling, and the current best), for portfolios small enough to enumerate. The bound relaxes
 * the remaining holdings to fractional amounts: each costs at least its own minimum, and the cash term at
 * least its minimum over the sums those minima allow. That is a valid bound because every holding's cost
 * rises by at least one per unit of value away from its minimum while the cash term can fall by at most
 * one. The turnover tie-break only adds; a commission adds its own amount to the objective and moves the
 * cash term by at most as much, so leaving the remaining holdings' commissions out keeps the bound valid.
 * Improves `search` in place when it finds a better feasible plan.
 */
export function improveExactly(search: IncrementSearch, flows: number[]): void {
  const choices: Choice[] = search.items.map((item, index) => {
    const exact = (flows[index] ?? 0) / item.unit;
    const base = Math.floor(exact + 1e-9);
    const set = new Set<number>();
    for (const k of [base - 1, base, base + 1, base + 2, search.units[index] as number, 0]) {
      let c = Math.min(item.hi, Math.max(item.lo, k));
      if (c !== 0 && Math.abs(c) < item.minUnits) c = 0;
      set.add(c);
    }
    const candidates = [...set].sort((a, b) => Math.abs(a - exact) - Math.abs(b - exact) || a - b);
    const lo = Math.min(...candidates) * item.unit;
    const hi = Math.max(...candidates) * item.unit;
    const { minCost, flatLo, flatHi } = relax(item.reach, lo, hi);
    return { index, candidates, minCost, flatLo, flatHi, minSpend: lo };
  });
  // Big increments first: they decide most of the drift, and the bound tightens fastest.
  choices.sort(
    (a, b) => (search.items[b.index]?.unit ?? 0) - (search.items[a.index]?.unit ?? 0) || a.index - b.index,
  );
  const n = choices.length;
  const restMin = new Array<number>(n + 1).fill(0);
  const restLo = new Array<number>(n + 1).fill(0);
  const restHi = new Array<number>(n + 1).fill(0);
  const restSpend = new Array<number>(n + 1).fill(0);
  for (let d = n - 1; d >= 0; d--) {
    const c = choices[d] as Choice;
    restMin[d] = (restMin[d + 1] as number) + c.minCost;
    restLo[d] = (restLo[d + 1] as number) + c.flatLo;
    restHi[d] = (restHi[d + 1] as number) + c.flatHi;
    restSpend[d] = (restSpend[d + 1] as number) + c.minSpend;
  }

  const cashReach = search.cashReach;
  const cashCost = (spend: number): number => reachCost(cashReach, -spend);
  const breaks = cashBreaks(cashReach);
  let best = search.shortfall() === 0 ? search.objective() : Infinity;
  let bestUnits: number[] | undefined;
  const units = new Array<number>(search.size).fill(0);
  let nodes = 0;

  const visit = (d: number, cost: number, spend: number, fees: number, buys: number): void => {
    if (++nodes > NODE_BUDGET) return;
    if (d === n) {
      const total = cost + cashCost(spend + fees);
      if (total < best - search.eps && search.cashShortfallOf(spend, fees, buys) === 0) {
        best = total;
        bestUnits = [...units];
      }
      return;
    }
    const paid = spend + fees;
    const bound =
      cost +
      (restMin[d] as number) +
      minOver(cashCost, breaks, paid + (restLo[d] as number), paid + (restHi[d] as number));
    if (bound >= best - search.eps) return;
    if (buys > 0 && search.cashShortfallOf(spend + (restSpend[d] as number), fees, buys) > 0) return;
    const choice = choices[d] as Choice;
    const item = search.items[choice.index];
    if (item === undefined) return;
    for (const k of choice.candidates) {
      units[choice.index] = k;
      visit(
        d + 1,
        cost + search.itemCost(choice.index, k),
        spend + k * item.unit,
        fees + search.itemFee(choice.index, k),
        buys + (k > 0 ? 1 : 0),
      );
    }
    units[choice.index] = 0;
  };
  visit(0, 0, 0, 0, 0);
  if (bestUnits !== undefined) search.restore(bestUnits);
}

/** Least cost of moving one asset by an amount in [lo, hi], and the interval of amounts reaching it. */
function relax(reach: Reach, lo: number, hi: number): { minCost: number; flatLo: number; flatHi: number } {
  const points = [lo, hi, ...assetBreaks(reach)].filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
  let minCost = Infinity;
  for (const x of points) minCost = Math.min(minCost, reachCost(reach, x));
  const at = points.filter((x) => reachCost(reach, x) <= minCost + 1e-9 * (1 + Math.abs(minCost)));
  return { minCost, flatLo: at[0] ?? lo, flatHi: at[at.length - 1] ?? hi };
}

function assetBreaks(reach: Reach): number[] {
  return [0, reach.direction * reach.primaryReach, reach.direction * reach.targetReach];
}

function cashBreaks(reach: Reach): number[] {
  return assetBreaks(reach).map((x) => -x);
}

/** Minimum of a convex piecewise-linear function over [lo, hi], given its breakpoints. */
function minOver(f: (x: number) => number, breaks: number[], lo: number, hi: number): number {
  let min = Math.min(f(lo), f(hi));
  for (const x of breaks) if (x > lo && x < hi) min = Math.min(min, f(x));
  return min;
}
