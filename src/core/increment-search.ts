import { TURNOVER_PENALTY } from "./allocate-continuous.js";
import { MaxHeap } from "./max-heap.js";
import { reachCost, reachOf, ROOM_COST, type Reach, type RebalanceProblem } from "./rebalance-problem.js";

/** Above this many holdings, exchanges and kicks only try the most promising candidates. */
const EXHAUSTIVE_UP_TO = 120;
const CANDIDATES = 40;
/** On large portfolios each exchange scan gains little; a bounded number keeps planning fast. */
const LARGE_EXCHANGE_SCANS = 2;
/** Kicks and multi-step exchanges must gain at least this share of the portfolio to be kept. */
const POLISH_GAIN = 1e-9;
/** Each round of kicks that improves earns another; this many at most. */
const KICK_ROUNDS = 20;
/** Kicks try every holding up to this many, else the most promising few. */
const KICK_ALL_UP_TO = 40;
const KICK_CANDIDATES = 24;
/** Multi-step exchanges try up to this many steps of one holding. */
const MULTI_STEPS = 12;

export interface SearchItem {
  reach: Reach;
  unit: number;
  lo: number;
  hi: number;
  minUnits: number;
  commission: (units: number) => number;
  /** See RebalanceHolding.commissionKinks. */
  commissionKinks: number[];
}

interface Candidate {
  i: number;
  k: number;
  ratio: number;
  /** Value the step moves. */
  size: number;
}

const DIRECTIONS = [1, -1] as const;

/**
 * The objective counts every asset's distance to its target in full, which is twice the drift D of the
 * README (half the sum); commissions count twice too, so that a plan is worth its commissions exactly
 * when it lowers D by more than they cost.
 */
export const COMMISSION_WEIGHT = 2;

/**
 * The state of a whole-increment search with its objective kept up to date in O(1) per change: the drift
 * that counts (see rebalance-problem.ts) plus commissions plus a turnover tie-break. Each holding moves
 * only toward its target, at most one increment past it; buys never take cash below its floor.
 */
export class IncrementSearch {
  readonly items: SearchItem[];
  readonly cashReach: Reach;
  readonly cashValue: number;
  readonly cashFloor: number;
  readonly scale: number;
  readonly eps: number;
  readonly units: number[];
  private readonly cost: number[];
  private readonly fee: number[];
  private spend = 0;
  private fees = 0;
  private holdingCost = 0;
  private buys = 0;
  /** Cash shortfall of the last evaluated move, beside its gain, so that evaluation allocates nothing. */
  private lastShortfall = 0;

  constructor(problem: RebalanceProblem) {
    const { holdings, cash, rebalanceTo } = problem;
    this.items = holdings.map((holding) => {
      const reach = reachOf(holding, rebalanceTo);
      const steps = Math.ceil(reach.targetReach / holding.unit - 1e-9);
      let lo = 0;
      let hi = 0;
      if (reach.direction > 0 && holding.canBuy) hi = steps;
      if (reach.direction < 0) lo = -Math.min(holding.sellableUnits, steps);
      const minUnits = Math.max(1, holding.minUnits);
      if (hi < minUnits) hi = 0;
      if (-lo < minUnits) lo = 0;
      const { unit, commission, commissionKinks } = holding;
      return { reach, unit, lo, hi, minUnits, commission, commissionKinks };
    });
    this.cashReach = reachOf(cash, rebalanceTo);
    this.cashValue = cash.value;
    this.cashFloor = cash.floor;
    this.scale = Math.max(1, holdings.reduce((sum, h) => sum + Math.abs(h.value), 0) + Math.abs(cash.value));
    this.eps = this.scale * 1e-12;
    const n = holdings.length;
    this.units = new Array<number>(n).fill(0);
    this.cost = new Array<number>(n).fill(0);
    this.fee = new Array<number>(n).fill(0);
  }

  /**
   * objective() until the next set(): every evaluation of a move subtracts it, and a descent at 10,000
   * holdings evaluates over a hundred thousand moves between a few thousand changes. (Declared here, not
   * with the other fields, so that the constructor keeps its line numbers.)
   */
  private current: number | undefined;
  /** See worseStill(): what offer() last found for each holding's step up (2i) and down (2i + 1). */
  private offered: OfferedSteps | undefined;
  /** What the last move delta() evaluated for one holding adds to spend + fees. */
  private lastMove = 0;

  get size(): number {
    return this.items.length;
  }

  itemCost(i: number, k: number): number {
    if (k === 0) return 0;
    const item = this.items[i] as SearchItem;
    return costWith(item, k, item.commission(Math.abs(k)));
  }

  itemFee(i: number, k: number): number {
    return k === 0 ? 0 : (this.items[i] as SearchItem).commission(Math.abs(k));
  }

  /** Commissions leave cash too: the cash term sees cash after them. */
  objectiveOf(holdingCost: number, spend: number, fees: number): number {
    return holdingCost + reachCost(this.cashReach, -spend - fees);
  }

  objective(): number {
    return (this.current ??= this.objectiveOf(this.holdingCost, this.spend, this.fees));
  }

  cashShortfallOf(spend: number, fees: number, buys: number): number {
    if (buys === 0) return 0;
    return Math.max(0, this.cashFloor - (this.cashValue - spend - fees) - this.eps);
  }

  shortfall(): number {
    return this.cashShortfallOf(this.spend, this.fees, this.buys);
  }

  set(i: number, k: number): void {
    const item = this.items[i] as SearchItem;
    const old = this.units[i] as number;
    // The commission once for both: itemCost(i, k) and itemFee(i, k) would each compute it.
    const fee = k === 0 ? 0 : item.commission(Math.abs(k));
    const cost = k === 0 ? 0 : costWith(item, k, fee);
    this.current = undefined;
    if (this.offered !== undefined) this.offered.forget(i);
    this.spend += (k - old) * item.unit;
    this.holdingCost += cost - (this.cost[i] as number);
    this.fees += fee - (this.fee[i] as number);
    this.buys += (k > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
    this.units[i] = k;
    this.cost[i] = cost;
    this.fee[i] = fee;
  }

  /** The nearest quantity holding i may hold: within its bounds, and not an order below the minimum. */
  clamp(i: number, k: number): number {
    const item = this.items[i] as SearchItem;
    const inside = Math.min(item.hi, Math.max(item.lo, k));
    return inside !== 0 && Math.abs(inside) < item.minUnits ? 0 : inside;
  }

  restore(units: number[]): void {
    units.forEach((k, i) => {
      if (k !== this.units[i]) this.set(i, k);
    });
  }

  /** The next quantity one step up (+1) or down (-1), jumping over orders below the minimum. */
  step(i: number, dir: 1 | -1): number | undefined {
    const item = this.items[i] as SearchItem;
    const k = this.units[i] as number;
    let next = k + dir;
    if (k === 0) next = dir * item.minUnits;
    else if (Math.abs(next) < item.minUnits) next = 0;
    return next < item.lo || next > item.hi ? undefined : next;
  }

  /**
   * Objective gain of moving holding i to k (and j to kj when j >= 0), whether or not cash stays above
   * its floor; the shortfall is left in lastShortfall.
   */
  delta(i: number, k: number, j = -1, kj = 0): number {
    if (j < 0) return this.delta1(i, k);
    let spend = this.spend;
    let holdingCost = this.holdingCost;
    let fees = this.fees;
    let buys = this.buys;
    for (let m = 0; m < 2; m++) {
      const index = m === 0 ? i : j;
      if (index < 0) break;
      const next = m === 0 ? k : kj;
      const old = this.units[index] as number;
      spend += (next - old) * (this.items[index] as SearchItem).unit;
      holdingCost += this.itemCost(index, next) - (this.cost[index] as number);
      fees += this.itemFee(index, next) - (this.fee[index] as number);
      buys += (next > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
    }
    this.lastShortfall = this.cashShortfallOf(spend, fees, buys);
    return this.objective() - this.objectiveOf(holdingCost, spend, fees);
  }

  /** delta() for one holding, without the loop: the search spends most of its time here. */
  private delta1(i: number, k: number): number {
    const item = this.items[i] as SearchItem;
    const old = this.units[i] as number;
    // As in set(): one commission for the cost and the fee.
    const fee = k === 0 ? 0 : item.commission(Math.abs(k));
    const spend = this.spend + (k - old) * item.unit;
    const holdingCost = this.holdingCost + (k === 0 ? 0 : costWith(item, k, fee)) - (this.cost[i] as number);
    const fees = this.fees + fee - (this.fee[i] as number);
    const buys = this.buys + (k > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
    this.lastShortfall = this.cashShortfallOf(spend, fees, buys);
    this.lastMove = spend + fees - (this.spend + this.fees);
    return this.objective() - this.objectiveOf(holdingCost, spend, fees);
  }

  /** Gain of a feasible move; -Infinity when it would take cash below the floor. */
  gain(i: number, k: number, j = -1, kj = 0): number {
    const gain = this.delta(i, k, j, kj);
    return this.lastShortfall > 0 ? -Infinity : gain;
  }

  /** Cash-safe rounding of the continuous flows: buys down, sells away from zero (more cash). */
  start(flows: number[]): void {
    flows.forEach((flow, i) => {
      const item = this.items[i] as SearchItem;
      const exact = flow / item.unit;
      let k = exact > 0 ? Math.floor(exact + 1e-9) : -Math.ceil(-exact - 1e-9);
      k = Math.min(item.hi, Math.max(item.lo, k));
      if (k !== 0 && Math.abs(k) < item.minUnits) k = k < 0 && -item.minUnits >= item.lo ? -item.minUnits : 0;
      if (k !== 0) this.set(i, k);
    });
  }

  /** Raises cash to the floor with the steps that lose least objective per unit of cash they free. */
  repair(locked = -1): boolean {
    while (this.shortfall() > 0) {
      const before = this.shortfall();
      let best = -1;
      let bestK = 0;
      let bestScore = -Infinity;
      for (let i = 0; i < this.size; i++) {
        if (i === locked) continue;
        const k = this.step(i, -1);
        if (k === undefined) continue;
        const gain = this.delta(i, k);
        const freed = before - this.lastShortfall;
        if (!(freed > 0)) continue;
        const score = gain / freed;
        if (score > bestScore) [best, bestK, bestScore] = [i, k, score];
      }
      if (best < 0) return false;
      this.set(best, bestK);
    }
    return true;
  }

  /** Improving single steps, best gain per unit first; then exchanges when `exchanges` is set. */
  descend(exchanges: boolean, locked = -1): void {
    let scans = this.size > EXHAUSTIVE_UP_TO ? LARGE_EXCHANGE_SCANS : Infinity;
    for (;;) {
      if (this.singles(locked)) continue;
      if (exchanges && scans-- > 0 && this.exchange()) continue;
      return;
    }
  }

  /**
   * Greedy marginal rounding: improving single steps taken best gain per unit of value first, each
   * checked again when it comes out of the queue (the cash term changes as steps are taken) and put
   * back when it has fallen behind. `locked` stays put. True when anything moved.
   */
  singles(locked = -1): boolean {
    // Equal gains per unit go smallest step first: small steps fill what is left more closely.
    const queue = new MaxHeap<Candidate>(
      (a, b) =>
        a.ratio > b.ratio ||
        (a.ratio === b.ratio &&
          (a.size < b.size || (a.size === b.size && (a.i < b.i || (a.i === b.i && a.k < b.k))))),
    );
    const offered = (this.offered ??= new OfferedSteps(this.size));
    // The first offers (one or two per holding) are made a heap at once; later ones are pushed.
    let building = true;
    const offer = (i: number): void => {
      for (const dir of DIRECTIONS) {
        const k = this.step(i, dir);
        if (k === undefined) continue;
        const slot = dir > 0 ? 2 * i : 2 * i + 1;
        if (this.worseStill(offered, slot)) continue;
        const at = this.spend + this.fees;
        const gain = this.delta(i, k);
        offered.remember(slot, gain, at, this.lastMove);
        const ratio = this.ratioOfGain(i, k, this.lastShortfall > 0 ? -Infinity : gain);
        if (!(ratio > 0)) continue;
        const candidate = { i, k, ratio, size: this.stepSize(i, k) };
        if (building) queue.append(candidate);
        else queue.push(candidate);
      }
    };
    for (let i = 0; i < this.size; i++) if (i !== locked) offer(i);
    queue.heapify();
    building = false;
    let improved = false;
    for (let top = queue.pop(); top !== undefined; top = queue.pop()) {
      const { i, k } = top;
      if (this.step(i, 1) !== k && this.step(i, -1) !== k) continue;
      const ratio = this.ratioOf(i, k);
      if (!(ratio > 0)) continue;
      const next = queue.peek();
      if (next !== undefined && ratio < next.ratio) {
        queue.push({ i, k, ratio, size: top.size });
        continue;
      }
      this.set(i, this.gallop(i, k, ratio));
      improved = true;
      offer(i);
    }
    return improved;
  }

  /**
   * From a step to k taken at `ratio`, the furthest quantity in the same direction reached at the same
   * ratio: a holding with cheap shares crosses a wide linear stretch in a few evaluations, not one per share.
   */
  private gallop(i: number, k: number, ratio: number): number {
    const item = this.items[i] as SearchItem;
    if (k === 0) return k;
    const dir = k > (this.units[i] as number) ? 1 : -1;
    // Toward zero, stop at the smallest order allowed: below it only the step to zero is a move.
    let limit = dir > 0 ? item.hi : item.lo;
    if (k < 0 && dir > 0) limit = -item.minUnits;
    if (k > 0 && dir < 0) limit = item.minUnits;
    const keeps = (to: number): boolean => this.ratioOf(i, to) >= ratio;
    let good = k;
    let stride = 1;
    while (dir * (limit - good) >= stride && keeps(good + dir * stride)) {
      good += dir * stride;
      stride *= 2;
    }
    for (stride = Math.floor(stride / 2); stride >= 1; stride = Math.floor(stride / 2)) {
      if (dir * (limit - good) >= stride && keeps(good + dir * stride)) good += dir * stride;
    }
    return good;
  }

  /**
   * Whether a step offer() found no better than losing (by more than float noise) is certainly no
   * better now, without evaluating it again. After the first pass of singles() each pass takes a step or
   * two, then evaluates every holding again: at 10,000 holdings, most of the search's time.
   *
   * The gain of a step is (its holding's cost before - after) + (cash term before - after). While the
   * holding has not moved (set() forgets its entry) the first part is the same. The cash term c is convex
   * in x = spend + fees (reachCost with no room cost: slopes -1, 0, +1), so c(x) - c(x + move), the
   * second part, does not grow as x moves the way the step moves cash (x up for a step that spends), and
   * grows by at most 2 min(|x - then|, |move|) the other way. Gains are exact up to rounding, far below
   * the margin: a step skipped is one whose evaluation would give a ratio of 0.
   */
  private worseStill(offered: OfferedSteps, slot: number): boolean {
    const gain = offered.gain[slot] as number;
    const limit = this.eps - NOISE_MARGIN * this.scale;
    // NaN (never evaluated, or moved since) fails this test.
    if (!(gain < limit)) return false;
    const moved = this.spend + this.fees - (offered.at[slot] as number);
    const move = offered.move[slot] as number;
    if (moved * move >= 0) return true;
    return gain + 2 * Math.min(Math.abs(moved), Math.abs(move)) < limit;
  }

  /**
   * Gain per unit of value of moving holding i to k (at most about 2), rounded to nine decimals so that
   * steps equally good up to float noise compare equal; 0 when it does not improve.
   */
  private ratioOf(i: number, k: number): number {
    return this.ratioOfGain(i, k, this.gain(i, k));
  }

  private ratioOfGain(i: number, k: number, gain: number): number {
    if (!(gain > this.eps)) return 0;
    return Math.round((gain / this.stepSize(i, k)) * 1e9) / 1e9;
  }

  private stepSize(i: number, k: number): number {
    return Math.abs(k - (this.units[i] as number)) * (this.items[i] as SearchItem).unit;
  }

  /**
   * Exchanges of one step up and one step down. Small portfolios take the best one; large ones take
   * every improving exchange that does not touch a holding already moved, best first.
   */
  exchange(): boolean {
    const ups = this.shortlist(1);
    const downs = this.shortlist(-1);
    const found: { i: number; ki: number; j: number; kj: number; gain: number }[] = [];
    for (const i of ups) {
      const ki = this.step(i, 1) as number;
      for (const j of downs) {
        if (i === j) continue;
        const kj = this.step(j, -1) as number;
        const gain = this.gain(i, ki, j, kj);
        if (gain > this.eps) found.push({ i, ki, j, kj, gain });
      }
    }
    if (found.length === 0) return false;
    found.sort((a, b) => b.gain - a.gain || a.i - b.i || a.j - b.j);
    const batch = this.size > EXHAUSTIVE_UP_TO;
    const touched = new Set<number>();
    let improved = false;
    for (const { i, ki, j, kj } of found) {
      if (touched.has(i) || touched.has(j)) continue;
      if (improved && !(this.gain(i, ki, j, kj) > this.eps)) continue;
      this.set(i, ki);
      this.set(j, kj);
      touched.add(i).add(j);
      improved = true;
      if (!batch) break;
    }
    return improved;
  }

  /**
   * Exchanges of several steps: one holding up by a steps, another down by b, with one of a and b
   * from 1 to MULTI_STEPS and the other sized to match in value (give or take the cash left over).
   * This is what spends a remainder of cash that no single share fits. Takes the best, if it improves.
   */
  multiExchange(): boolean {
    const cashLeft = this.cashValue - this.spend - this.fees - this.cashFloor;
    let best: [number, number, number, number] | undefined;
    let bestGain = POLISH_GAIN * this.scale;
    const consider = (i: number, ki: number, j: number, kj: number): void => {
      if (!this.allowed(i, ki) || !this.allowed(j, kj)) return;
      const gain = this.gain(i, ki, j, kj);
      if (gain > bestGain) [best, bestGain] = [[i, ki, j, kj], gain];
    };
    for (let i = 0; i < this.size; i++) {
      const ui = (this.items[i] as SearchItem).unit;
      const ki = this.units[i] as number;
      for (let j = 0; j < this.size; j++) {
        if (i === j) continue;
        const uj = (this.items[j] as SearchItem).unit;
        const kj = this.units[j] as number;
        for (let n = 1; n <= MULTI_STEPS; n++) {
          // j down n steps, i up by about as much value (with or without the cash left over)...
          for (const extra of [0, cashLeft]) {
            const a = (n * uj + extra) / ui;
            consider(i, ki + Math.floor(a), j, kj - n);
            consider(i, ki + Math.ceil(a), j, kj - n);
          }
          // ...or i up n steps, j down by about as much value.
          const b = (n * ui - cashLeft) / uj;
          consider(i, ki + n, j, kj - Math.floor(b));
          consider(i, ki + n, j, kj - Math.ceil(b));
        }
      }
    }
    if (best === undefined) return false;
    const [i, ki, j, kj] = best;
    this.set(i, ki);
    this.set(j, kj);
    return true;
  }

  /** Whether holding i may hold quantity k: within its bounds, and not an order below the minimum. */
  private allowed(i: number, k: number): boolean {
    const item = this.items[i] as SearchItem;
    if (k === this.units[i]) return false;
    return k >= item.lo && k <= item.hi && (k === 0 || Math.abs(k) >= item.minUnits);
  }

  /** Holdings that can step in `dir`; only the best few by their own gain when there are many. */
  shortlist(dir: 1 | -1, allUpTo = EXHAUSTIVE_UP_TO, keep = CANDIDATES): number[] {
    const list: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.step(i, dir) !== undefined) list.push(i);
    if (list.length <= allUpTo) return list;
    // A bounded insertion keeps the best few without sorting every holding.
    const best: { i: number; gain: number }[] = [];
    for (const i of list) {
      const gain = this.delta(i, this.step(i, dir) as number);
      if (best.length === keep && gain <= (best[best.length - 1] as { gain: number }).gain) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as { gain: number }).gain < gain) at--;
      best.splice(at, 0, { i, gain });
      if (best.length > keep) best.pop();
    }
    return best.map((c) => c.i);
  }

  /** Forces one holding a step further, repairs cash, descends; keeps the result when it is better. */
  kick(): void {
    let any = false;
    for (let round = 0; round < KICK_ROUNDS; round++) {
      let improved = false;
      for (const dir of [1, -1] as const) {
        for (const i of this.shortlist(dir, KICK_ALL_UP_TO, KICK_CANDIDATES)) {
          const k = this.step(i, dir);
          if (k === undefined) continue;
          const saved = [...this.units];
          const before = this.objective();
          this.set(i, k);
          // The kicked holding stays where it was pushed, or the descent would just undo the kick.
          if (this.repair(i)) this.descend(false, i);
          if (this.shortfall() === 0 && this.objective() < before - POLISH_GAIN * this.scale) {
            improved = true;
            this.descend(false);
          } else {
            this.restore(saved);
          }
        }
      }
      any ||= improved;
      if (!improved) break;
    }
    // Exchanges cost a scan of all pairs: once, after the kicks, rather than after each.
    if (any) this.descend(true);
  }
}

/** itemCost of a non-zero quantity k whose commission `fee` is already known. */
function costWith(item: SearchItem, k: number, fee: number): number {
  const traded = Math.abs(k) * item.unit;
  return (
    reachCost(item.reach, k * item.unit, ROOM_COST) + TURNOVER_PENALTY * traded + COMMISSION_WEIGHT * fee
  );
}

/**
 * Far above the rounding of gains (relative 1e-16 over a few sums of values up to the scale), far below
 * any gain that matters (eps is 1e-12 of the scale): steps within it of eps are always evaluated again.
 */
const NOISE_MARGIN = 1e-9;

/** What singles() found for each step it evaluated: see IncrementSearch.worseStill. */
class OfferedSteps {
  /** Gain regardless of the cash floor; NaN when not evaluated since the holding last moved. */
  readonly gain: Float64Array;
  /** spend + fees when it was evaluated. */
  readonly at: Float64Array;
  /** What the step added to spend + fees. */
  readonly move: Float64Array;

  constructor(size: number) {
    this.gain = new Float64Array(2 * size).fill(Number.NaN);
    this.at = new Float64Array(2 * size);
    this.move = new Float64Array(2 * size);
  }

  remember(slot: number, gain: number, at: number, move: number): void {
    this.gain[slot] = gain;
    this.at[slot] = at;
    this.move[slot] = move;
  }

  forget(i: number): void {
    this.gain[2 * i] = Number.NaN;
    this.gain[2 * i + 1] = Number.NaN;
  }
}
