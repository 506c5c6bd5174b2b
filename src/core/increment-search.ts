import { TURNOVER_PENALTY } from "./allocate-continuous.js";
import { reachCost, reachOf, type Reach, type RebalanceProblem } from "./rebalance-problem.js";

/** Above this many holdings, exchanges and kicks only try the most promising candidates. */
const EXHAUSTIVE_UP_TO = 120;
const CANDIDATES = 40;
/** On large portfolios each exchange scan gains little; a bounded number keeps planning fast. */
const LARGE_EXCHANGE_SCANS = 4;

export interface SearchItem {
  reach: Reach;
  unit: number;
  lo: number;
  hi: number;
  minUnits: number;
  commission: (units: number) => number;
}

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
      return { reach, unit: holding.unit, lo, hi, minUnits, commission: holding.commission };
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

  get size(): number {
    return this.items.length;
  }

  itemCost(i: number, k: number): number {
    if (k === 0) return 0;
    const item = this.items[i] as SearchItem;
    const traded = Math.abs(k) * item.unit;
    return reachCost(item.reach, k * item.unit) + TURNOVER_PENALTY * traded + item.commission(Math.abs(k));
  }

  itemFee(i: number, k: number): number {
    return k === 0 ? 0 : (this.items[i] as SearchItem).commission(Math.abs(k));
  }

  objectiveOf(holdingCost: number, spend: number): number {
    return holdingCost + reachCost(this.cashReach, -spend);
  }

  objective(): number {
    return this.objectiveOf(this.holdingCost, this.spend);
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
    const cost = this.itemCost(i, k);
    const fee = this.itemFee(i, k);
    this.spend += (k - old) * item.unit;
    this.holdingCost += cost - (this.cost[i] as number);
    this.fees += fee - (this.fee[i] as number);
    this.buys += (k > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
    this.units[i] = k;
    this.cost[i] = cost;
    this.fee[i] = fee;
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
    return this.objective() - this.objectiveOf(holdingCost, spend);
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
  descend(exchanges: boolean): void {
    let scans = this.size > EXHAUSTIVE_UP_TO ? LARGE_EXCHANGE_SCANS : Infinity;
    for (;;) {
      if (this.singles()) continue;
      if (exchanges && scans-- > 0 && this.exchange()) continue;
      return;
    }
  }

  singles(): boolean {
    // Parallel arrays rather than an object per candidate: this runs over every holding, many times.
    const index: number[] = [];
    const units: number[] = [];
    const ratio: number[] = [];
    const consider = (i: number, k: number | undefined): void => {
      if (k === undefined) return;
      const gain = this.gain(i, k);
      if (!(gain > this.eps)) return;
      index.push(i);
      units.push(k);
      ratio.push(gain / (Math.abs(k - (this.units[i] as number)) * (this.items[i] as SearchItem).unit));
    };
    for (let i = 0; i < this.size; i++) {
      consider(i, this.step(i, 1));
      consider(i, this.step(i, -1));
    }
    if (index.length === 0) return false;
    const order = index.map((_, c) => c);
    order.sort(
      (a, b) =>
        (ratio[b] as number) - (ratio[a] as number) ||
        (index[a] as number) - (index[b] as number) ||
        (units[a] as number) - (units[b] as number),
    );
    let improved = false;
    const touched = new Uint8Array(this.size);
    for (const c of order) {
      const i = index[c] as number;
      const k = units[c] as number;
      if (touched[i] === 1 || !(this.gain(i, k) > this.eps)) continue;
      this.set(i, k);
      touched[i] = 1;
      improved = true;
    }
    return improved;
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

  /** Holdings that can step in `dir`; only the best few by their own gain when there are many. */
  shortlist(dir: 1 | -1): number[] {
    const list: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.step(i, dir) !== undefined) list.push(i);
    if (list.length <= EXHAUSTIVE_UP_TO) return list;
    // A bounded insertion keeps the best few without sorting every holding.
    const best: { i: number; gain: number }[] = [];
    for (const i of list) {
      const gain = this.delta(i, this.step(i, dir) as number);
      if (best.length === CANDIDATES && gain <= (best[best.length - 1] as { gain: number }).gain) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as { gain: number }).gain < gain) at--;
      best.splice(at, 0, { i, gain });
      if (best.length > CANDIDATES) best.pop();
    }
    return best.map((c) => c.i);
  }

  /** Forces one holding a step further, repairs cash, descends; keeps the result when it is better. */
  kick(): void {
    for (let round = 0; round < 2 * this.size + 10; round++) {
      let improved = false;
      for (const dir of [1, -1] as const) {
        for (const i of this.shortlist(dir)) {
          const k = this.step(i, dir);
          if (k === undefined) continue;
          const saved = [...this.units];
          const before = this.objective();
          this.set(i, k);
          if (this.repair(i)) this.descend(false);
          if (this.shortfall() === 0 && this.objective() < before - this.eps) {
            improved = true;
            this.descend(true);
          } else {
            this.restore(saved);
          }
        }
      }
      if (!improved) return;
    }
  }
}
