import { TURNOVER_PENALTY } from "./allocate-continuous.js";
import { COMMISSION_WEIGHT, type IncrementSearch, type SearchItem } from "./increment-search.js";
import { reachCost, ROOM_COST } from "./rebalance-problem.js";

/** Branch and bound gives up after this many nodes and keeps the best plan found (the plan says so). */
export const NODE_BUDGET = 100_000;

/** A stretch of one holding's move toward its target: its length in value and its cost per unit. */
interface Segment {
  length: number;
  slope: number;
  /** +1 when it raises what cash pays (a buy), -1 when it lowers it (a sell). */
  sign: 1 | -1;
}

/**
 * Exact branch and bound over every whole-increment quantity each holding may take, for the objective of
 * increment-search.ts. Starts from the plan `search` holds (the incumbent from the heuristic) and
 * improves it in place. Returns false when it stopped at NODE_BUDGET before proving the plan optimal.
 *
 * The bound at a node is the continuous relaxation of the holdings still to decide: each may move any
 * amount of value within its range, at the costs of its reach (-1 per unit while out of band, ROOM_COST
 * in band, +1 past the target, plus the turnover tie-break), and cash pays for the total. Its minimum
 * is a one-dimensional convex problem: the holdings' cheapest cost of a total move (starting from every
 * gaining stretch taken, then the cheapest extra or undone stretch per unit) plus the cash term at that
 * total, both piecewise linear, so the minimum is at one of their few breakpoints. Minimum trade sizes,
 * whole increments, the cash floor and the commissions of the holdings left are relaxed: a commission
 * adds its amount to the objective and lowers the cash term by at most as much, so it never lowers it.
 */
export function searchExactly(search: IncrementSearch, budget = NODE_BUDGET): boolean {
  const n = search.size;
  // Big increments first: they decide most of the drift, and the bound tightens fastest.
  const order = search.items
    .map((_, i) => i)
    .sort((a, b) => (search.items[b] as SearchItem).unit - (search.items[a] as SearchItem).unit || a - b);
  const segments = order.map((i) => hullSegments(search, i));
  // Most cash the holdings from depth d on can raise by selling: what a buy must be able to count on.
  const sellAll = new Array<number>(n + 1).fill(0);
  const bounds: Bound[] = new Array<Bound>(n + 1);
  bounds[n] = relaxation(search, []);
  for (let d = n - 1; d >= 0; d--) {
    const item = search.items[order[d] as number] as SearchItem;
    sellAll[d] = (sellAll[d + 1] as number) + Math.max(0, -item.lo) * item.unit;
    bounds[d] = relaxation(search, segments.slice(d).flat());
  }

  let best = search.shortfall() === 0 ? search.objective() : Infinity;
  let bestUnits: number[] | undefined;
  const units = new Array<number>(n).fill(0);
  const eps = search.eps;
  let nodes = 0;
  let complete = true;

  /**
   * Lower bound of a child k != 0 with `fee`, the least commission any order of this holding pays: a
   * larger commission adds its excess and lowers the cash term by at most as much. Convex in k, so it
   * only rises away from its least.
   */
  const lower = (d: number, i: number, k: number, cost: number, paid: number, fee: number): number => {
    const item = search.items[i] as SearchItem;
    const value = k * item.unit;
    return (
      cost +
      reachCost(item.reach, value, ROOM_COST) +
      TURNOVER_PENALTY * Math.abs(value) +
      COMMISSION_WEIGHT * fee +
      (bounds[d + 1] as Bound)(paid + value + fee)
    );
  };

  const visit = (d: number, cost: number, spend: number, fees: number, buys: number): void => {
    if (++nodes > budget) complete = false;
    if (!complete) return;
    if (d === n) {
      const total = search.objectiveOf(cost, spend, fees);
      if (total < best - eps && search.cashShortfallOf(spend, fees, buys) === 0) {
        best = total;
        bestUnits = [...units];
      }
      return;
    }
    const i = order[d] as number;
    const item = search.items[i] as SearchItem;
    const paid = spend + fees;
    const tryK = (k: number): void => {
      const nextBuys = buys + (k > 0 ? 1 : 0);
      const nextSpend = spend + k * item.unit;
      const nextFees = fees + search.itemFee(i, k);
      // With a buy, cash must end above its floor even if every remaining holding sells all it may.
      if (nextBuys > 0 && search.cashShortfallOf(nextSpend - (sellAll[d + 1] as number), nextFees, 1) > 0) {
        return;
      }
      const nextCost = cost + search.itemCost(i, k);
      const bound = nextCost + (bounds[d + 1] as Bound)(nextSpend + nextFees);
      if (bound >= best - eps) return;
      units[i] = k;
      visit(d + 1, nextCost, nextSpend, nextFees, nextBuys);
      units[i] = 0;
    };
    // Not trading this holding, then its orders: the range of allowed non-zero quantities.
    tryK(0);
    const from = item.hi > 0 ? item.minUnits : item.lo;
    const to = item.hi > 0 ? item.hi : -item.minUnits;
    if (from > to) return;
    const fee = search.itemFee(i, item.minUnits);
    // The least of the lower bound over the range, by bisection on its slope.
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (lower(d, i, mid + 1, cost, paid, fee) < lower(d, i, mid, cost, paid, fee)) lo = mid + 1;
      else hi = mid;
    }
    // Outward from the least, the side with the lower bound first; a side ends where its bound reaches
    // the best plan found (the bound only rises further out). Each quantity counts toward the budget.
    let left = lo;
    let right = lo + 1;
    for (;;) {
      const leftBound = left >= from ? lower(d, i, left, cost, paid, fee) : Infinity;
      const rightBound = right <= to ? lower(d, i, right, cost, paid, fee) : Infinity;
      const leftOpen = leftBound < best - eps;
      const rightOpen = rightBound < best - eps;
      if (!leftOpen && !rightOpen) break;
      if (++nodes > budget) complete = false;
      if (!complete) return;
      if (leftOpen && (!rightOpen || leftBound <= rightBound)) tryK(left--);
      else tryK(right++);
    }
  };
  visit(0, 0, 0, 0, 0);
  if (bestUnits !== undefined) search.restore(bestUnits);
  return complete;
}

/**
 * The convex hull of one holding's cost (reach, room cost, turnover tie-break; no commission) over the
 * quantities it may take, 0 and minUnits to its limit, as segments of value toward its target: tighter
 * than the continuous cost, because a whole increment cannot stop exactly at a band edge or target.
 */
function hullSegments(search: IncrementSearch, i: number): Segment[] {
  const item = search.items[i] as SearchItem;
  const sign = item.hi > 0 ? 1 : -1;
  const last = Math.max(item.hi, -item.lo);
  if (last < item.minUnits) return [];
  const { unit, reach } = item;
  const at = (k: number): number =>
    reachCost(reach, sign * k * unit, ROOM_COST) + TURNOVER_PENALTY * k * unit;
  const corners = new Set<number>([0, item.minUnits, last]);
  for (const x of [reach.primaryReach, reach.targetReach]) {
    for (const k of [Math.floor(x / unit), Math.ceil(x / unit)])
      if (k > item.minUnits && k < last) corners.add(k);
  }
  const ks = [...corners].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let j = 1; j < ks.length; j++) {
    const a = ks[j - 1] as number;
    const b = ks[j] as number;
    out.push({ length: (b - a) * unit, slope: (at(b) - at(a)) / ((b - a) * unit), sign });
  }
  return out;
}

type Bound = (paid: number) => number;

/**
 * The least objective of the holdings with these segments plus cash, relaxed to continuous amounts on
 * their hulls, as a function of what cash has paid for the holdings already decided (see searchExactly).
 */
function relaxation(search: IncrementSearch, segments: Segment[]): Bound {
  // Every segment that gains taken: the holdings' least cost, at this total move.
  let origin = 0;
  let atOrigin = 0;
  const up: [number, number][] = [];
  const down: [number, number][] = [];
  for (const { length, slope, sign } of segments) {
    if (slope < 0) {
      origin += sign * length;
      atOrigin += slope * length;
      // Undoing it moves the total the other way at the opposite cost.
      (sign > 0 ? down : up).push([-slope, length]);
    } else (sign > 0 ? up : down).push([slope, length]);
  }
  up.sort((a, b) => a[0] - b[0]);
  down.sort((a, b) => a[0] - b[0]);
  // Breakpoints of the holdings' least cost as a function of the total move, ascending.
  const xs: number[] = [origin];
  const ys: number[] = [atOrigin];
  let x = origin;
  let y = atOrigin;
  for (const [slope, length] of up) {
    x += length;
    y += slope * length;
    xs.push(x);
    ys.push(y);
  }
  x = origin;
  y = atOrigin;
  for (const [slope, length] of down) {
    x -= length;
    y += slope * length;
    xs.unshift(x);
    ys.unshift(y);
  }
  const m = xs.length;
  const holdingsAt = (move: number): number => {
    // The last breakpoint at or before `move`, by bisection.
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((xs[mid] as number) <= move) lo = mid;
      else hi = mid - 1;
    }
    if (lo === m - 1) return ys[lo] as number;
    const x0 = xs[lo] as number;
    const x1 = xs[lo + 1] as number;
    const y0 = ys[lo] as number;
    return x1 === x0 ? y0 : y0 + (((ys[lo + 1] as number) - y0) * (move - x0)) / (x1 - x0);
  };
  /** Where the holdings' cost stops falling faster than `rate` per unit of move: argmin of cost + rate x move. */
  const turn = (rate: number): number => {
    for (let j = 1; j < m; j++) {
      const x0 = xs[j - 1] as number;
      const x1 = xs[j] as number;
      if (x1 > x0 && ((ys[j] as number) - (ys[j - 1] as number)) / (x1 - x0) + rate >= 0) return x0;
    }
    return xs[m - 1] as number;
  };
  const turns = new Map<number, number>([-1, 0, 1].map((rate) => [rate, turn(rate)]));
  const cashReach = search.cashReach;
  const cashAt = (paid: number): number => reachCost(cashReach, -paid);
  // The cash term is linear between these amounts paid, with slope -1, 0 or +1.
  const cashBreaks = [
    ...new Set(
      [0, cashReach.direction * cashReach.primaryReach, cashReach.direction * cashReach.targetReach].map(
        (v) => -v,
      ),
    ),
  ].sort((a, b) => a - b);
  const lowest = xs[0] as number;
  const highest = xs[m - 1] as number;
  return (paid) => {
    let min = Infinity;
    const consider = (move: number): void => {
      const value = holdingsAt(move) + cashAt(paid + move);
      if (value < min) min = value;
    };
    // Between two breaks of the cash term the sum is convex with the cash slope fixed: its least is
    // where the holdings' slope meets it, clipped to the stretch.
    let from = lowest;
    for (let j = 0; j <= cashBreaks.length; j++) {
      const to = Math.min(highest, j < cashBreaks.length ? (cashBreaks[j] as number) - paid : highest);
      if (to >= from) {
        // Linear in between: its slope is the chord's, -1, 0 or +1 up to rounding.
        const rise = to > from ? (cashAt(paid + to) - cashAt(paid + from)) / (to - from) : 0;
        const slope = rise > 0.5 ? 1 : rise < -0.5 ? -1 : 0;
        consider(Math.min(to, Math.max(from, turns.get(slope) as number)));
        consider(from);
        consider(to);
      }
      from = Math.max(from, to);
    }
    return min;
  };
}
