import { allocateContinuous } from "./allocate-continuous.js";
import type { RebalanceProblem } from "./rebalance-problem.js";
import { roundToIncrements } from "./round-to-increments.js";

export interface RebalanceSolution {
  /** Whole increments to trade per holding: positive buys, negative sells. */
  units: number[];
  /** The continuous allocation the increments were rounded from, in base-currency value. */
  flows: number[];
  /** False when the exact search stopped at its node limit (see round-to-increments.ts). */
  exact: boolean;
}

/**
 * Continuous allocation first (policy: bands, modes, water-filling), then whole increments near it.
 * `start`, a solution of a nearby problem, makes the search begin there instead of at the rounded flows.
 */
export function solveRebalance(problem: RebalanceProblem, start?: number[]): RebalanceSolution {
  const { flows } = allocateContinuous(problem);
  return { ...roundToIncrements(problem, flows, start), flows };
}
