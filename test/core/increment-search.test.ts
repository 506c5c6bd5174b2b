// The whole-increment search on hand-made rebalance problems: the bounds each holding's quantity may
// take (toward its target, at most one increment past it, whole increments of any size, no order below
// the minimum, no short sale, the cash floor), the stage that finds each kind of plan (descents,
// exchanges, kicks, the exact search up to EXACT_UP_TO holdings), and the final rule that trades nothing
// unless the plan improves the objective by MINIMUM_IMPROVEMENT of the managed value.
import { describe, expect, it } from "vitest";
import { OPTIMALITY_GAP } from "../../src/core/exact-increments.js";
import { IncrementSearch } from "../../src/core/increment-search.js";
import type { RebalanceProblem } from "../../src/core/rebalance-problem.js";
import { EXACT_UP_TO, roundToIncrements } from "../../src/core/round-to-increments.js";
import { solveRebalance } from "../../src/core/solve-rebalance.js";
import {
  bestByEnumeration,
  cash,
  expectWithinRules,
  holding,
  objectiveOf,
  padded,
  scaleOf,
} from "./increment-problems.js";

// Small accounts on which descents, exchanges and kicks stop at a plan worse than the best one (each was
// found by comparing the search with and without its exact stage): the exact search must find the best.
const SMALL: [string, RebalanceProblem][] = [
  [
    "a cash floor and a minimum order of two increments",
    {
      rebalanceTo: "target",
      holdings: [
        holding({ value: 490, target: 4109, band: 200, unit: 70 }),
        holding({ value: 520, target: 4580, band: 200, unit: 130, minUnits: 2, fee: 5 }),
      ],
      cash: cash({ value: 1843, target: 945, primary: true, floor: 200 }),
    },
  ],
  [
    "a sell paying for buys of two holdings",
    {
      rebalanceTo: "target",
      holdings: [
        holding({ value: 1600, target: 1160, unit: 400, primary: false }),
        holding({ value: 1250, target: 3855, band: 200, unit: 250, fee: 5 }),
        holding({ value: 100, target: 2480, band: 50, unit: 100 }),
      ],
      cash: cash({ value: 1143, target: 726, primary: true }),
    },
  ],
  [
    "two overweight holdings, either of which may pay for a buy",
    {
      rebalanceTo: "target",
      holdings: [
        holding({ value: 9000, target: 3027, band: 50, unit: 1000, fee: 5 }),
        holding({ value: 2400, target: 261, band: 200, unit: 400, fee: 1 }),
        holding({ value: 520, target: 2014, band: 50, unit: 130, primary: false, minUnits: 2 }),
      ],
      cash: cash({ value: 1345, target: 151 }),
    },
  ],
  [
    "fees, minimum orders and a cash floor together",
    {
      rebalanceTo: "target",
      holdings: [
        holding({ value: 600, target: 2274, unit: 100, minUnits: 2, fee: 5 }),
        holding({ value: 390, target: 691, unit: 130 }),
        holding({ value: 700, target: 2024, unit: 100, minUnits: 2 }),
      ],
      cash: cash({ value: 1778, target: 832, floor: 200 }),
    },
  ],
];

describe("the whole-increment search", () => {
  it.each(SMALL)("finds the best plan the rules allow with %s", (_, problem) => {
    const best = bestByEnumeration(problem);
    const gap = OPTIMALITY_GAP * scaleOf(problem) + 1e-9;
    const { units, exact } = solveRebalance(problem);
    expect(exact).toBe(true);
    expectWithinRules(problem, units);
    expect(objectiveOf(problem, units)).toBeLessThanOrEqual(best + gap);
    // Up to EXACT_UP_TO holdings the exact search runs: the same plan among idle holdings.
    const wide = padded(problem, EXACT_UP_TO);
    const widePlan = solveRebalance(wide);
    expect(widePlan.exact).toBe(true);
    expect(objectiveOf(wide, widePlan.units)).toBeLessThanOrEqual(best + gap);
  });

  it("buys whole increments worth less than one unit of currency up to the target", () => {
    // Increments of 0.50: twenty of them reach a target 10 above the holding.
    const problem: RebalanceProblem = {
      rebalanceTo: "target",
      holdings: [holding({ value: 0, target: 10, unit: 0.5 })],
      cash: cash({ value: 100, target: 90 }),
    };
    expect(roundToIncrements(problem, [0]).units).toEqual([20]);
    expect(roundToIncrements(problem, [10]).units).toEqual([20]);
  });

  it("goes at most one increment past the target, even to reach the minimum order", () => {
    // 100 below the target in increments of 50: two reach it exactly, a third would be one past.
    const problem = (target: number, minUnits: number): RebalanceProblem => ({
      rebalanceTo: "target",
      holdings: [holding({ value: 0, target, unit: 50, minUnits })],
      cash: cash({ value: 1000, target: 0, primary: true }),
    });
    expect(roundToIncrements(problem(100, 2), [100]).units).toEqual([2]);
    expect(roundToIncrements(problem(100, 3), [100]).units).toEqual([0]);
    expect(roundToIncrements(problem(100, 3), [150]).units).toEqual([0]);
    // 125 below: the third increment is the one that crosses the target, so a minimum of three may buy.
    expect(roundToIncrements(problem(125, 3), [125]).units).toEqual([3]);
  });

  it("trades nothing when the best plan improves the objective by less than MINIMUM_IMPROVEMENT", () => {
    // 1,000,000 managed, half in a holding on its target and half in cash: the least improvement worth
    // trading is 20. One increment of `unit` toward a target `unit` away, paid from cash above its
    // target, improves the objective by about `unit`.
    const problem = (unit: number): RebalanceProblem => ({
      rebalanceTo: "target",
      holdings: [
        holding({ value: 0, target: unit, unit }),
        holding({ value: 500_000, target: 500_000, unit: 100 }),
      ],
      cash: cash({ value: 500_000, target: 500_000 - unit }),
    });
    expect(roundToIncrements(problem(15), [15, 0])).toEqual({ units: [0, 0], exact: true });
    expect(roundToIncrements(problem(30), [30, 0])).toEqual({ units: [1, 0], exact: true });
  });

  it("buys a start from an earlier round down to what cash pays for, one increment at a time", () => {
    // More holdings than the exact search takes, so only the repair and the descents see it: the start
    // buys five increments of 100, cash is 150 now.
    const problem = padded(
      {
        rebalanceTo: "target",
        holdings: [holding({ value: 0, target: 1000, unit: 100 })],
        cash: cash({ value: 150, target: 0 }),
      },
      EXACT_UP_TO + 1,
    );
    const zeros = problem.holdings.map(() => 0);
    const start = problem.holdings.map((_, i) => (i === 0 ? 5 : 0));
    const { units } = roundToIncrements(problem, zeros, start);
    expect(units[0]).toBe(1);
    expect(units.slice(1).every((k) => k === 0)).toBe(true);
    // With a minimum order of two increments, one is not an order: nothing.
    const [first, ...idle] = problem.holdings;
    const twoAtLeast = { ...problem, holdings: [{ ...first!, minUnits: 2 }, ...idle] };
    expect(roundToIncrements(twoAtLeast, zeros, start).units).toEqual(zeros);
  });

  it("lets sells alone leave cash below its floor: the floor limits buys", () => {
    // Cash is 0 against a floor of 100 and a target of 100; selling the one increment over target
    // raises it to 50, still below the floor, and is still the best plan.
    const problem: RebalanceProblem = {
      rebalanceTo: "target",
      holdings: [holding({ value: 200, target: 150, unit: 50 })],
      cash: cash({ value: 0, target: 100, primary: true, floor: 100 }),
    };
    expect(roundToIncrements(problem, [-50]).units).toEqual([-1]);
    expect(roundToIncrements(problem, [0]).units).toEqual([-1]);
  });

  it("brings a start from an earlier round within this round's bounds before searching from it", () => {
    // Buy-only (nothing sellable): a start that sells would be a short sale, which would pay for B's
    // buy and leave cash as it is, a better objective than any plan the rules allow. A start that buys
    // past the target or below the minimum order is not a plan either.
    const problem: RebalanceProblem = {
      rebalanceTo: "target",
      holdings: [
        holding({ value: 1000, target: 0, unit: 100, sellableUnits: 0 }),
        holding({ value: 0, target: 500, unit: 100, minUnits: 2 }),
      ],
      cash: cash({ value: 600, target: 1100, primary: true }),
    };
    const best = bestByEnumeration(problem);
    for (const start of [
      [-5, 5],
      [-5, 9],
      [-1, 1],
      [3, 0],
    ]) {
      const { units } = roundToIncrements(problem, [0, 0], start);
      expectWithinRules(problem, units);
      expect(objectiveOf(problem, units)).toBeCloseTo(best, 6);
    }
    // Sell-only: a start that buys the underweight holding is not a plan, though it would improve more.
    const sellOnly: RebalanceProblem = {
      rebalanceTo: "target",
      holdings: [holding({ value: 0, target: 500, unit: 100, canBuy: false })],
      cash: cash({ value: 1000, target: 500, primary: true }),
    };
    expect(roundToIncrements(sellOnly, [0], [3]).units).toEqual([0]);
    // A minimum order of two increments and cash for one: one increment, from the start or from the
    // flows, would be an order below the minimum, though it would improve the objective.
    const smallCash: RebalanceProblem = {
      rebalanceTo: "target",
      holdings: [holding({ value: 0, target: 500, unit: 100, minUnits: 2 })],
      cash: cash({ value: 150, target: 0 }),
    };
    expect(roundToIncrements(smallCash, [0], [1]).units).toEqual([0]);
    expect(roundToIncrements(smallCash, [100]).units).toEqual([0]);
  });

  it("says when the exact search stopped at its node limit, and keeps a plan no step or exchange improves", () => {
    // 50,000 of cash over its target to spend on twelve in-band holdings with prices in cents: every
    // plan that spends all but a few dollars is within a few dollars of the best, far more of them than
    // the node limit lets the exact search tell apart.
    const holdings = Array.from({ length: 12 }, (_, i) =>
      holding({
        value: 0,
        target: 8000,
        band: 100_000,
        primary: false,
        unit: 500 + ((i * 7919) % 2500) + ((i * 37) % 100) / 100,
      }),
    );
    const problem: RebalanceProblem = {
      rebalanceTo: "target",
      holdings,
      cash: cash({ value: 50_000, target: 0, primary: true }),
    };
    const { units, exact } = solveRebalance(problem);
    expect(exact).toBe(false);
    expectWithinRules(problem, units);
    // Every in-band dollar bought removes half a dollar of objective: at most a few dollars unspent.
    expect(objectiveOf(problem, units)).toBeLessThan(-25_000 + 5);
    const search = new IncrementSearch(problem);
    for (const polish of ["singles", "exchange", "multiExchange"] as const) {
      search.restore(units);
      expect(search[polish](), polish).toBe(false);
    }
  });

  it("kicks a holding whose one increment needs two sells to pay for it, up to 400 holdings", () => {
    // No single step improves (the buy, of at least two increments of 500, needs cash there is none of;
    // a sell alone only moves drift into cash), nor an exchange of one step each (one sell pays half the
    // buy): only buying and then raising the cash from both sells does. 400 holdings: no exact search,
    // but kicks.
    const problem = padded(
      {
        rebalanceTo: "target",
        holdings: [
          holding({ value: 0, target: 1000, unit: 500, minUnits: 2 }),
          holding({ value: 500, target: 0, unit: 500 }),
          holding({ value: 500, target: 0, unit: 500 }),
        ],
        cash: cash({ value: 0, target: 0 }),
      },
      400,
    );
    const zeros = problem.holdings.map(() => 0);
    const { units, exact } = roundToIncrements(problem, zeros);
    expect(units.slice(0, 3)).toEqual([2, -1, -1]);
    expect(units.slice(3).every((k) => k === 0)).toBe(true);
    // Beyond EXACT_UP_TO there is no exact search, so none that stopped short either.
    expect(exact).toBe(true);
  });

  it("starts from the rounded flows and exchanges a buy for a sell beyond 400 holdings, where nothing is kicked", () => {
    // Neither a buy (no cash) nor a sell (drift moved into cash) improves alone; together they do.
    // Large portfolios scan for exchanges twice per descent: from the flows' start of one increment
    // each, two exchanges reach the plan; from nothing they would not.
    const problem = padded(
      {
        rebalanceTo: "target",
        holdings: [
          holding({ value: 0, target: 300, unit: 100 }),
          holding({ value: 300, target: 0, unit: 100 }),
        ],
        cash: cash({ value: 0, target: 0 }),
      },
      401,
    );
    const flows = (value: number): number[] => problem.holdings.map((_, i) => [value, -value][i] ?? 0);
    for (const value of [300, 100]) {
      const { units } = roundToIncrements(problem, flows(value));
      expect(units.slice(0, 2)).toEqual([3, -3]);
      expect(units.slice(2).every((k) => k === 0)).toBe(true);
    }
  });
});
