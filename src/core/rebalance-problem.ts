// The numeric problem the optimiser solves, stripped of symbols and currencies: values are in the base
// currency, quantities are whole increments (sizeIncrement shares). compute-plan builds it from a portfolio
// and a snapshot; the benchmark builds it too, so that the MILP sees exactly the same numbers.

export interface RebalanceHolding {
  /** Current value. */
  value: number;
  /** Target value (target weight times the managed value). */
  target: number;
  /** Half-width of the band around the target, in value. */
  band: number;
  /** Out of band before trading: it trades toward its aim; in-band holdings only absorb flows. */
  primary: boolean;
  /** Base-currency value of one increment (sizeIncrement shares at the valuation price). */
  unit: number;
  /** Increments that may be sold: 0 when the mode forbids selling or nothing is held. */
  sellableUnits: number;
  canBuy: boolean;
  /** Smallest non-zero order in increments, from minTradeValue (at least 1). */
  minUnits: number;
  /** Estimated commission in base currency for an order of `units` increments (units > 0). */
  commission: (units: number) => number;
  /**
   * Order sizes in increments (not necessarily whole) where the commission's slope may change: between
   * them it is linear in the units. The exact search needs them to bound commissions without trying
   * every size.
   */
  commissionKinks: number[];
}

export interface RebalanceCash {
  value: number;
  target: number;
  band: number;
  primary: boolean;
  /** Buys never take cash (after commissions) below this. */
  floor: number;
}

export interface RebalanceProblem {
  holdings: RebalanceHolding[];
  cash: RebalanceCash;
  rebalanceTo: "target" | "band-edge";
}

/**
 * Where one asset may go and what it costs, along the direction toward its target:
 * moving `s` value toward the target costs -s up to `primaryReach` (drift that counts, it is out of band),
 * then `roomCost` per unit to the target (`targetReach`: in-band room, or the band-edge to target stretch),
 * and +1 per unit past the target. Moving away from the target costs +1 per unit.
 */
export interface Reach {
  /** +1 when the target is above the current value, -1 below, 0 on target. */
  direction: 1 | -1 | 0;
  primaryReach: number;
  targetReach: number;
}

export function reachOf(
  asset: { value: number; target: number; band: number; primary: boolean; unit?: number },
  rebalanceTo: "target" | "band-edge",
): Reach {
  const gap = asset.target - asset.value;
  const direction = gap > 0 ? 1 : gap < 0 ? -1 : 0;
  const targetReach = Math.abs(gap);
  if (!asset.primary) return { direction, primaryReach: 0, targetReach };
  if (rebalanceTo === "target") return { direction, primaryReach: targetReach, targetReach };
  // To the band edge in whole increments: the one that crosses the edge still counts, or the plan
  // would stop a fraction of a share outside the band.
  const toEdge = Math.max(0, targetReach - asset.band);
  const unit = asset.unit ?? 0;
  const crossing = unit > 0 ? Math.ceil(toEdge / unit - 1e-9) * unit : toEdge;
  return { direction, primaryReach: Math.min(targetReach, crossing), targetReach };
}

/**
 * Trading a holding within its band costs this per unit of value: an out-of-band asset's gain (1 per
 * unit) pays for it, a few dollars of commissions or rounding in cash do not.
 */
export const ROOM_COST = 0.5;

/** Cost (negative is better) of moving an asset from its current value by `delta`. Convex in delta. */
export function reachCost(reach: Reach, delta: number, roomCost = 0): number {
  if (reach.direction === 0) return Math.abs(delta);
  const s = reach.direction * delta;
  if (s <= reach.primaryReach) return -s;
  const room = reach.targetReach - reach.primaryReach;
  if (s <= reach.targetReach) return -reach.primaryReach + roomCost * (s - reach.primaryReach);
  return -reach.primaryReach + roomCost * room + (s - reach.targetReach);
}
