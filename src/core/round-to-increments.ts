import { improveExactly } from "./exact-increments.js";
import { IncrementSearch } from "./increment-search.js";
import type { RebalanceProblem } from "./rebalance-problem.js";

/** A plan must lower the objective by this share of the managed value, or nothing is traded. */
export const MINIMUM_IMPROVEMENT = 2e-5;
/** Kicks cost a repair and a descent each: worth it on portfolios of ordinary size. */
const KICK_UP_TO = 400;
/** Exact search over a window around the continuous flows. */
const EXACT_UP_TO = 40;
const POLISH_ROUNDS = 6;

/**
 * Whole increments near the continuous allocation that minimise the rebalance objective (see
 * increment-search.ts). Starts from the continuous flows rounded on the cash-safe side, then descends:
 * single steps taken best gain per unit of value first (greedy marginal rounding), then exchanges (one
 * step up, one down). Whole shares of expensive holdings need several other trades to pay for them, which
 * no single or paired step finds; so each local optimum is kicked (one holding forced one step further),
 * repaired (cash raised where it costs least) and descended again, keeping the kick when it helps. Small
 * portfolios finish with an exact branch and bound over a window around the flows, then descents, kicks
 * and multi-step exchanges (which spend what cash is left over) until none helps.
 */
export function roundToIncrements(problem: RebalanceProblem, flows: number[], start?: number[]): number[] {
  const search = new IncrementSearch(problem);
  if (start === undefined) search.start(flows);
  else search.restore(start.map((k, i) => search.clamp(i, k)));
  search.repair();
  search.descend(true);
  if (search.size <= KICK_UP_TO) search.kick();
  if (search.size <= EXACT_UP_TO) {
    improveExactly(search, flows);
    // The exact search only looks near the flows; what it found may open moves further out.
    for (let round = 0; round < POLISH_ROUNDS; round++) {
      search.descend(true);
      search.kick();
      if (!search.multiExchange()) break;
    }
  }
  if (search.shortfall() > 0 || search.objective() > -MINIMUM_IMPROVEMENT * search.scale)
    return flows.map(() => 0);
  return [...search.units];
}
