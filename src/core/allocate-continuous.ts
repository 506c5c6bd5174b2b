import { reachOf, ROOM_COST, type RebalanceProblem } from "./rebalance-problem.js";

/** Cost per unit of value traded in a holding: breaks ties toward less turnover, never trades by itself. */
export const TURNOVER_PENALTY = 1e-6;

interface Segment {
  /** Index of the holding, or -1 for cash. */
  owner: number;
  length: number;
}

interface Group {
  /** Value of one unit for demand groups, cost of one unit for supply groups. */
  key: number;
  segments: Segment[];
  remaining: number;
}

export interface ContinuousAllocation {
  /** Value to buy (positive) or sell (negative) per holding, in fractional shares' worth. */
  flows: number[];
}

/**
 * The continuous relaxation of the rebalance, solved exactly: every unit of value moves from a supply
 * (a holding above its target, or cash above its own) to a demand (below target), through cash.
 * Out-of-band assets move toward their aim with a gain of 1 per unit; in-band assets only lend room
 * toward their target (at ROOM_COST per unit for holdings, free for cash), so in-band holdings take or
 * give value only when an out-of-band asset needs a counterpart, and never trade with each other. Cash comes before holdings at equal gain, because
 * it costs no turnover. Within one gain level the largest deviations are served first (water-filling):
 * the most underweight holdings are bought first, the most overweight sold first.
 */
export function allocateContinuous(problem: RebalanceProblem): ContinuousAllocation {
  const { holdings, cash, rebalanceTo } = problem;
  const supply = new Map<number, Group>();
  const demand = new Map<number, Group>();
  const add = (groups: Map<number, Group>, key: number, owner: number, length: number): void => {
    if (!(length > 0)) return;
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, segments: [], remaining: 0 };
      groups.set(key, group);
    }
    group.segments.push({ owner, length });
    group.remaining += length;
  };

  holdings.forEach((holding, index) => {
    const reach = reachOf(holding, rebalanceTo);
    const primary = reach.primaryReach;
    const room = reach.targetReach - reach.primaryReach;
    if (reach.direction > 0 && holding.canBuy) {
      add(demand, 1 - TURNOVER_PENALTY, index, primary);
      add(demand, -ROOM_COST - TURNOVER_PENALTY, index, room);
    } else if (reach.direction < 0 && holding.sellableUnits > 0) {
      const sellable = holding.sellableUnits * holding.unit;
      const first = Math.min(primary, sellable);
      add(supply, -1 + TURNOVER_PENALTY, index, first);
      add(supply, ROOM_COST + TURNOVER_PENALTY, index, Math.min(room, sellable - first));
    }
  });
  const cashReach = reachOf(cash, rebalanceTo);
  if (cashReach.direction > 0) {
    add(demand, 1, -1, cashReach.primaryReach);
    add(demand, 0, -1, cashReach.targetReach - cashReach.primaryReach);
  } else if (cashReach.direction < 0) {
    const available = Math.max(0, cash.value - cash.floor);
    const first = Math.min(cashReach.primaryReach, available);
    add(supply, -1, -1, first);
    add(supply, 0, -1, Math.min(cashReach.targetReach - cashReach.primaryReach, available - first));
  }

  const supplies = [...supply.values()].sort((a, b) => a.key - b.key);
  const demands = [...demand.values()].sort((a, b) => b.key - a.key);
  const totals = new Map<Group, number>([...supplies, ...demands].map((g) => [g, g.remaining]));
  let s = 0;
  let d = 0;
  while (s < supplies.length && d < demands.length) {
    const give = supplies[s] as Group;
    const take = demands[d] as Group;
    if (!(take.key > give.key)) break;
    if (give.remaining <= take.remaining) {
      take.remaining -= give.remaining;
      give.remaining = 0;
      s++;
    } else {
      give.remaining -= take.remaining;
      take.remaining = 0;
      d++;
    }
  }

  const flows = holdings.map(() => 0);
  for (const [group, total] of totals) {
    const used = total - group.remaining;
    if (!(used > 0)) continue;
    const sign = supply.get(group.key) === group ? -1 : 1;
    const shares = waterFill(
      group.segments.map((segment) => segment.length),
      used,
    );
    group.segments.forEach((segment, i) => {
      if (segment.owner >= 0) flows[segment.owner] = (flows[segment.owner] ?? 0) + sign * (shares[i] ?? 0);
    });
  }
  return { flows };
}

/**
 * Splits `amount` over segments so that the longest are shortened first: every segment ends with
 * min(length, level) left. Ties keep input order, so the result does not depend on sort stability.
 */
export function waterFill(lengths: number[], amount: number): number[] {
  const total = lengths.reduce((sum, length) => sum + length, 0);
  if (amount >= total) return [...lengths];
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[b] ?? 0) - (lengths[a] ?? 0) || a - b);
  let sumTop = 0;
  let level = 0;
  for (let k = 0; k < order.length; k++) {
    sumTop += lengths[order[k] as number] ?? 0;
    level = (sumTop - amount) / (k + 1);
    const next = k + 1 < order.length ? (lengths[order[k + 1] as number] ?? 0) : 0;
    if (level >= next) break;
  }
  return lengths.map((length) => Math.max(0, length - level));
}
