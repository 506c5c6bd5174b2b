import { COMMISSION_WEIGHT, type IncrementSearch, type SearchItem } from "./increment-search.js";
import { MaxHeap } from "./max-heap.js";
import { reachCost } from "./rebalance-problem.js";

/** Branch and bound gives up after this many nodes and keeps the best plan found (the plan says so). */
export const NODE_BUDGET = 100_000;

/**
 * The search proves its plan within this share of the managed value of the optimum (a cent on a million):
 * far below what a price moves between plan and fill, and without it accounts with many near-equal
 * plans spend the whole budget telling apart plans a fraction of a cent apart.
 */
export const OPTIMALITY_GAP = 1e-8;

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
 * improves it in place. Returns false when it stopped at NODE_BUDGET before proving the plan within
 * OPTIMALITY_GAP of the optimum.
 *
 * The bound at a node is the continuous relaxation of the holdings still to decide, each on the convex
 * hull of its own quantities (see hullSegments: reach, turnover tie-break and commission, in what cash
 * pays), with cash paying for the total and, once the plan buys, never going below its floor. Its
 * minimum is a one-dimensional convex problem: the holdings' cheapest cost of a total paid (every
 * gaining stretch taken, then the cheapest extra or undone stretch per unit) plus the cash term at that
 * total, both piecewise linear, so the minimum is at one of their few breakpoints. Only minimum trade
 * sizes and whole increments are relaxed, so the bound never exceeds the objective of a plan below it.
 *
 * Nodes are taken lowest bound first, and each dives to a whole plan through its lowest child, leaving
 * the siblings open: the dives find good plans early, the order proves them with few nodes.
 */
export function searchExactly(search: IncrementSearch, budget = NODE_BUDGET): boolean {
  const n = search.size;
  // Big increments first: they decide most of the drift, and the bound tightens fastest.
  const order = search.items
    .map((_, i) => i)
    .sort((a, b) => (search.items[b] as SearchItem).unit - (search.items[a] as SearchItem).unit || a - b);
  const segments = order.map((i) => hullSegments(search, i));
  const bounds: Bound[] = new Array<Bound>(n + 1);
  for (let d = n; d >= 0; d--) bounds[d] = relaxation(search, segments.slice(d).flat());

  const eps = search.eps;
  // Branches that cannot beat the best plan by more than this are not worth proving: see OPTIMALITY_GAP.
  const gap = Math.max(eps, OPTIMALITY_GAP * search.scale);
  // With a buy, cash after the plan must stay above its floor: what cash may pay at most.
  const capacity = search.cashValue - search.cashFloor + eps;
  let best = search.shortfall() === 0 ? search.objective() : Infinity;
  let bestLeaf: Node | undefined;
  let nodes = 0;
  // Lowest bound first, then the deepest: the first plan reached at a bound is the best.
  const open = new MaxHeap<Node>((a, b) => a.bound < b.bound || (a.bound === b.bound && a.d > b.d));
  const root: Node = { d: 0, k: 0, parent: undefined, cost: 0, spend: 0, fees: 0, buys: 0, bound: 0 };
  root.bound = (bounds[0] as Bound)(0);
  open.push(root);
  const children: Node[] = [];
  for (let node = open.pop(); node !== undefined; node = open.pop()) {
    if (node.bound >= best - gap) return finish(search, order, bestLeaf, true);
    // Dive from it to a whole plan through the child with the lowest bound, leaving its siblings open:
    // plans found early prune the rest.
    for (let at: Node | undefined = node; at !== undefined && at.bound < best - gap;) {
      children.length = 0;
      if (!expand(at)) return finish(search, order, bestLeaf, false);
      at = undefined;
      for (const child of children) {
        if (at === undefined || child.bound < at.bound) {
          if (at !== undefined) open.push(at);
          at = child;
        } else open.push(child);
      }
    }
  }
  return finish(search, order, bestLeaf, true);

  /** The children of `node` that may beat the best plan, into `children`; false when the budget ran out. */
  function expand(node: Node): boolean {
    const { d, cost, spend, fees, buys } = node;
    const i = order[d] as number;
    const item = search.items[i] as SearchItem;
    const next = bounds[d + 1] as Bound;
    /** The objective so far with k, plus the least the holdings left can add (Infinity: infeasible). */
    const boundOf = (k: number): number => {
      const paid = spend + fees + k * item.unit + search.itemFee(i, k);
      const limit = buys > 0 || k > 0 ? capacity - paid : Infinity;
      return cost + search.itemCost(i, k) + next(paid, limit);
    };
    const take = (k: number, bound: number): boolean => {
      if (++nodes > budget) return false;
      const child: Node = {
        d: d + 1,
        k,
        parent: node,
        cost: cost + search.itemCost(i, k),
        spend: spend + k * item.unit,
        fees: fees + search.itemFee(i, k),
        buys: buys + (k > 0 ? 1 : 0),
        bound,
      };
      // A whole plan: its bound is its objective (Infinity when cash would end below its floor).
      if (child.d < n) children.push(child);
      else if (bound < best - eps) [best, bestLeaf] = [bound, child];
      return true;
    };
    // Not trading this holding, then its orders: the range of allowed non-zero quantities.
    const zero = boundOf(0);
    if (zero < best - gap && !take(0, zero)) return false;
    const from = item.hi > 0 ? item.minUnits : item.lo;
    const to = item.hi > 0 ? item.hi : -item.minUnits;
    if (from > to) return true;
    // Between the commission's kinks the bound is convex in k: its own objective is, and the relaxation
    // of the holdings left is convex in what cash has paid, which is linear in k there. On each such
    // stretch, find the least by bisection, then go outward, the lower side first; a side ends where
    // its bound reaches the best plan found (it only rises further out).
    const sign = item.hi > 0 ? 1 : -1;
    const cuts = new Set<number>([from, to]);
    for (const q of item.commissionKinks) {
      for (const c of [sign * Math.floor(q), sign * Math.ceil(q)]) if (c > from && c < to) cuts.add(c);
    }
    const ends = [...cuts].sort((x, y) => x - y);
    const stretches: [number, number][] =
      ends.length === 1
        ? [[from, to]]
        : ends.slice(1).map((end, j) => [j === 0 ? from : (ends[j] as number) + 1, end]);
    for (const [first, last] of stretches) {
      let lo = first;
      let hi = last;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (boundOf(mid + 1) < boundOf(mid)) lo = mid + 1;
        else hi = mid;
      }
      let left = lo;
      let right = lo + 1;
      let leftBound = boundOf(left);
      let rightBound = right <= last ? boundOf(right) : Infinity;
      for (;;) {
        const leftOpen = leftBound < best - gap;
        const rightOpen = rightBound < best - gap;
        if (!leftOpen && !rightOpen) break;
        if (leftOpen && (!rightOpen || leftBound <= rightBound)) {
          if (!take(left, leftBound)) return false;
          left--;
          leftBound = left >= first ? boundOf(left) : Infinity;
        } else {
          if (!take(right, rightBound)) return false;
          right++;
          rightBound = right <= last ? boundOf(right) : Infinity;
        }
      }
    }
    return true;
  }
}

/** A holding decided: the `d`th in the search's order holds k increments; the totals of the path to it. */
interface Node {
  d: number;
  k: number;
  parent: Node | undefined;
  cost: number;
  spend: number;
  fees: number;
  buys: number;
  /** Lower bound of every plan below it; for a whole plan, its objective. */
  bound: number;
}

/** Puts the best plan found into `search` and says whether it is proven best. */
function finish(
  search: IncrementSearch,
  order: number[],
  leaf: Node | undefined,
  complete: boolean,
): boolean {
  if (leaf !== undefined) {
    const units = new Array<number>(search.size).fill(0);
    for (let node: Node | undefined = leaf; node?.parent !== undefined; node = node.parent) {
      units[order[node.d - 1] as number] = node.k;
    }
    search.restore(units);
  }
  return complete;
}

/**
 * One holding's options as the relaxation sees them: the lower convex hull of its whole-increment
 * quantities (0, and minUnits to its limit) in the plane of (what cash pays for it, its objective),
 * commissions included on both axes, as segments along its side (buys raise what cash pays, sells lower
 * it). The objective is its cost plus the cash term at the total paid, so relaxing each holding to its
 * hull is a true lower bound. Its points lie on straight lines between the quantities next to the breaks
 * of its reach (out of band, in band, past the target) and of its commission (cap, minimum, per share),
 * so the hull of those few quantities is the hull of all of them.
 */
function hullSegments(search: IncrementSearch, i: number): Segment[] {
  const item = search.items[i] as SearchItem;
  const sign = item.hi > 0 ? 1 : -1;
  const last = Math.max(item.hi, -item.lo);
  if (last < item.minUnits) return [];
  const { unit, reach } = item;
  const corners = new Set<number>([0, item.minUnits, last]);
  for (const x of [reach.primaryReach / unit, reach.targetReach / unit, ...item.commissionKinks]) {
    for (const k of [Math.floor(x), Math.ceil(x)]) if (k > item.minUnits && k < last) corners.add(k);
  }
  const ks = [...corners].sort((a, b) => a - b);
  // Distance along its side that cash pays (value, plus a buy's commission or less a sell's), and cost.
  let points = ks.map((k): [number, number] => [
    k * unit + sign * search.itemFee(i, sign * k),
    search.itemCost(i, sign * k),
  ]);
  if (points.some((p, j) => j > 0 && !(p[0] > (points[j - 1] as [number, number])[0]))) {
    // A commission of the whole trade value (a 100% cap) pays nothing: bound the commission along the
    // value instead, at its own weight less the most the cash term can give back for it (1 per unit).
    points = ks.map((k): [number, number] => [
      k * unit,
      search.itemCost(i, sign * k) - (COMMISSION_WEIGHT - 1) * search.itemFee(i, sign * k),
    ]);
  }
  const hull: [number, number][] = [];
  for (const p of points) {
    for (;;) {
      const a = hull[hull.length - 2];
      const b = hull[hull.length - 1];
      if (a === undefined || b === undefined) break;
      // b is not below the chord from a to p: off the lower hull.
      if ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) > 0) break;
      hull.pop();
    }
    hull.push(p);
  }
  const out: Segment[] = [];
  for (let j = 1; j < hull.length; j++) {
    const [x0, y0] = hull[j - 1] as [number, number];
    const [x1, y1] = hull[j] as [number, number];
    out.push({ length: x1 - x0, slope: (y1 - y0) / (x1 - x0), sign });
  }
  return out;
}

/** The bound given what cash has paid already, and the most the holdings left may pay (the cash floor). */
type Bound = (paid: number, limit?: number) => number;

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
  return (paid, limit = Infinity) => {
    const highest = Math.min(xs[m - 1] as number, limit);
    if (highest < lowest) return Infinity;
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
