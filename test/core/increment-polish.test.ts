// The polish that runs when the exact search stops at its node limit: descents, kicks and multi-step
// exchanges from the plan it kept. Planning's limit (NODE_BUDGET) is only reached by large accounts, so
// these tests give roundToIncrements a limit of a few nodes and check, on seeded random small accounts,
// what the polish promises: a plan within the rules, no worse than the one the search stopped at, and
// one that no single step, exchange or multi-step exchange improves.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../bench/generate-portfolios.js";
import { allocateContinuous } from "../../src/core/allocate-continuous.js";
import { IncrementSearch } from "../../src/core/increment-search.js";
import type { RebalanceProblem } from "../../src/core/rebalance-problem.js";
import { EXACT_UP_TO, roundToIncrements } from "../../src/core/round-to-increments.js";
import { expectWithinRules, objectiveOf, padded, randomProblem, scaleOf } from "./increment-problems.js";

/** The plan of the descents and kicks alone: past EXACT_UP_TO holdings there is no exact search. */
function heuristicPlan(problem: RebalanceProblem, flows: number[]): number[] {
  const wide = padded(problem, EXACT_UP_TO + 1);
  const wideFlows = wide.holdings.map((_, i) => flows[i] ?? 0);
  return roundToIncrements(wide, wideFlows).units.slice(0, problem.holdings.length);
}

describe("the polish after the exact search stops at its node limit", () => {
  it("keeps a plan within the rules, no worse than the descents', that no step, exchange or multi-step exchange improves", () => {
    let stopped = 0;
    const improved: number[] = [];
    for (const seed of [5, 7]) {
      const random = seededRandom(seed);
      for (let c = 0; c < 300; c++) {
        const problem = randomProblem(random);
        const { flows } = allocateContinuous(problem);
        const before = heuristicPlan(problem, flows);
        for (const nodeBudget of [0, 10]) {
          const { units, exact } = roundToIncrements(problem, flows, undefined, nodeBudget);
          if (exact) continue;
          stopped++;
          expectWithinRules(problem, units);
          const after = objectiveOf(problem, units);
          const tolerance = 1e-9 * scaleOf(problem);
          if (before.some((k) => k !== 0))
            expect(after).toBeLessThanOrEqual(objectiveOf(problem, before) + tolerance);
          // A plan that trades nothing may be one below the least improvement worth trading.
          if (units.every((k) => k === 0)) continue;
          if (after < objectiveOf(problem, before) - tolerance) improved.push(c);
          const search = new IncrementSearch(problem);
          for (const polish of ["singles", "exchange", "multiExchange"] as const) {
            search.restore(units);
            expect(search[polish](), `account ${seed}/${c}, ${nodeBudget} nodes: ${polish}`).toBe(false);
          }
          // Nor does forcing one holding a step further and repairing: a kick keeps only what improves.
          search.restore(units);
          search.kick();
          expect(search.units, `account ${seed}/${c}, ${nodeBudget} nodes: kick`).toEqual(units);
        }
      }
    }
    // The polish had work to do: on some accounts it found a better plan than the descents stopped at.
    expect(stopped).toBeGreaterThan(20);
    expect(improved.length).toBeGreaterThan(3);
  });
});
