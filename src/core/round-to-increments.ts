import { NODE_BUDGET, searchExactly } from "./exact-increments.js";
import { IncrementSearch } from "./increment-search.js";
import type { RebalanceProblem } from "./rebalance-problem.js";

/** A plan must lower the objective by this share of the managed value, or nothing is traded. */
export const MINIMUM_IMPROVEMENT = 2e-5;
/** Kicks cost a repair and a descent each: worth it on portfolios of ordinary size. */
const KICK_UP_TO = 400;
/**
 * Up to this many holdings the branch and bound proves its plan optimal (or the plan says it stopped):
 * its bound costs a pass over the holdings per node, and up to here it finishes in well under a second
 * on the fair benchmark's accounts.
 */
export const EXACT_UP_TO = 60;
const POLISH_ROUNDS = 6;

export interface RoundedIncrements {
  units: number[];
  /** False when the branch and bound stopped at its node limit before proving the plan optimal. */
  exact: boolean;
}

/**
 * Whole increments that minimise the rebalance objective (see increment-search.ts). Starts from the
 * continuous flows rounded on the cash-safe side, then descends: single steps taken best gain per unit of
 * value first (greedy marginal rounding), then exchanges (one step up, one down). Whole shares of
 * expensive holdings need several other trades to pay for them, which no single or paired step finds; so
 * each local optimum is kicked (one holding forced one step further), repaired (cash raised where it costs
 * least) and descended again, keeping the kick when it helps. Up to EXACT_UP_TO holdings, an exact branch
 * and bound over every quantity each holding may take then proves that plan optimal or replaces it; should
 * it stop at its node limit, descents, kicks and multi-step exchanges polish what it found.
 *
 * `nodeBudget` is the exact search's node limit (planning always uses NODE_BUDGET): a small one lets a
 * test reach the polish on a problem small enough to check by hand.
 */
export function roundToIncrements(
  problem: RebalanceProblem,
  flows: number[],
  start?: number[],
  nodeBudget = NODE_BUDGET,
): RoundedIncrements {
  const search = new IncrementSearch(problem);
  if (start === undefined) search.start(flows);
  else search.restore(start.map((k, i) => search.clamp(i, k)));
  search.repair();
  search.descend(true);
  if (search.size <= KICK_UP_TO) search.kick();
  let exact = true;
  if (search.size <= EXACT_UP_TO) {
    exact = searchExactly(search, nodeBudget);
    for (let round = 0; round < POLISH_ROUNDS && !exact; round++) {
      search.descend(true);
      search.kick();
      if (!search.multiExchange()) break;
    }
  }
  if (search.shortfall() > 0 || search.objective() > -MINIMUM_IMPROVEMENT * search.scale)
    return { units: flows.map(() => 0), exact };
  return { units: [...search.units], exact };
}
