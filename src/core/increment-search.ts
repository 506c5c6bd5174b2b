import { TURNOVER_PENALTY } from "./allocate-continuous.js";
import { reachCost, reachOf, type Reach, type RebalanceProblem } from "./rebalance-problem.js";

/** Above this many holdings, exchanges only pair the most promising candidates. */
const EXHAUSTIVE_UP_TO = 120;
const CANDIDATES = 40;

export interface SearchItem {
  reach: Reach;
  unit: number;
  lo: number;
  hi: number;
  minUnits: number;
  commission: (units: number) => number;
}

export type Move = [index: number, units: number];

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
  units: number[];
  cost: number[];
  fee: number[];
  spend = 0;
  fees = 0;
  holdingCost = 0;
  buys = 0;

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

  /** The next quantity one step up (+1) or down (-1), jumping over orders below the minimum. */
  step(i: number, dir: 1 | -1): number | undefined {
    const item = this.items[i] as SearchItem;
    const k = this.units[i] as number;
    let next = k + dir;
    if (k === 0) next = dir * item.minUnits;
    else if (Math.abs(next) < item.minUnits) next = 0;
    return next < item.lo || next > item.hi ? undefined : next;
  }

  /** Objective change and cash shortfall after moving holdings to new quantities. */
  evaluate(moves: Move[]): { gain: number; shortfall: number } {
    let spend = this.spend;
    let holdingCost = this.holdingCost;
    let fees = this.fees;
    let buys = this.buys;
    for (const [i, k] of moves) {
      const old = this.units[i] as number;
      spend += (k - old) * (this.items[i] as SearchItem).unit;
      holdingCost += this.itemCost(i, k) - (this.cost[i] as number);
      fees += this.itemFee(i, k) - (this.fee[i] as number);
      buys += (k > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
    }
    return {
      gain: this.objective() - this.objectiveOf(holdingCost, spend),
      shortfall: this.cashShortfallOf(spend, fees, buys),
    };
  }

  gainOf(moves: Move[]): number {
    const { gain, shortfall } = this.evaluate(moves);
    return shortfall > 0 ? -Infinity : gain;
  }

  shortfall(): number {
    return this.cashShortfallOf(this.spend, this.fees, this.buys);
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
      let best: Move | undefined;
      let bestScore = -Infinity;
      for (let i = 0; i < this.size; i++) {
        if (i === locked) continue;
        const k = this.step(i, -1);
        if (k === undefined) continue;
        const { gain, shortfall } = this.evaluate([[i, k]]);
        const freed = before - shortfall;
        if (!(freed > 0)) continue;
        const score = gain / freed;
        if (score > bestScore) [best, bestScore] = [[i, k], score];
      }
      if (best === undefined) return false;
      this.set(best[0], best[1]);
    }
    return true;
  }

  /** Improving single steps, best gain per unit first; then exchanges when `exchanges` is set. */
  descend(exchanges: boolean): void {
    for (;;) {
      if (this.singles()) continue;
      if (exchanges && this.exchange()) continue;
      return;
    }
  }

  singles(): boolean {
    const candidates: { i: number; k: number; ratio: number }[] = [];
    for (let i = 0; i < this.size; i++) {
      for (const dir of [1, -1] as const) {
        const k = this.step(i, dir);
        if (k === undefined) continue;
        const gain = this.gainOf([[i, k]]);
        if (gain > this.eps) {
          const moved = Math.abs(k - (this.units[i] as number)) * (this.items[i] as SearchItem).unit;
          candidates.push({ i, k, ratio: gain / moved });
        }
      }
    }
    candidates.sort((a, b) => b.ratio - a.ratio || a.i - b.i || a.k - b.k);
    let improved = false;
    const touched = new Set<number>();
    for (const { i, k } of candidates) {
      if (touched.has(i) || !(this.gainOf([[i, k]]) > this.eps)) continue;
      this.set(i, k);
      touched.add(i);
      improved = true;
    }
    return improved;
  }

  /** The best exchange of one step up and one step down, if it improves. */
  exchange(): boolean {
    const ups = this.shortlist(1);
    const downs = this.shortlist(-1);
    let best: Move[] | undefined;
    let bestGain = this.eps;
    for (const i of ups) {
      const ki = this.step(i, 1) as number;
      for (const j of downs) {
        if (i === j) continue;
        const moves: Move[] = [
          [i, ki],
          [j, this.step(j, -1) as number],
        ];
        const gain = this.gainOf(moves);
        if (gain > bestGain) [best, bestGain] = [moves, gain];
      }
    }
    if (best === undefined) return false;
    for (const [i, k] of best) this.set(i, k);
    return true;
  }

  /** Holdings that can step in `dir`; only the best few by their own gain when there are many. */
  shortlist(dir: 1 | -1): number[] {
    const list: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.step(i, dir) !== undefined) list.push(i);
    if (list.length <= EXHAUSTIVE_UP_TO) return list;
    return list
      .map((i) => ({ i, gain: this.evaluate([[i, this.step(i, dir) as number]]).gain }))
      .sort((a, b) => b.gain - a.gain || a.i - b.i)
      .slice(0, CANDIDATES)
      .map((c) => c.i);
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

  restore(units: number[]): void {
    units.forEach((k, i) => {
      if (k !== this.units[i]) this.set(i, k);
    });
  }
}
