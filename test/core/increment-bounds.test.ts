// The rules the whole-increment search holds each quantity to, through IncrementSearch's own methods:
// the range each holding may take (toward its target, at most one increment past it, no more sold than
// held, no buy where buying is not allowed, no order below the minimum), the cash floor that limits buys
// only, the cash-safe rounding of the continuous flows into the start, and the multi-step exchanges,
// which must keep every one of these rules too.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../bench/generate-portfolios.js";
import { IncrementSearch } from "../../src/core/increment-search.js";
import type { RebalanceProblem } from "../../src/core/rebalance-problem.js";
import { cash, expectWithinRules, holding, objectiveOf, randomProblem } from "./increment-problems.js";

function searchOf(holdings: RebalanceProblem["holdings"], cashValue = 10_000, floor = 0): IncrementSearch {
  return new IncrementSearch({
    rebalanceTo: "target",
    holdings,
    cash: cash({ value: cashValue, target: 0, floor }),
  });
}

/** [lo, hi] of each holding. */
function ranges(search: IncrementSearch): [number, number][] {
  return search.items.map((item) => [item.lo, item.hi]);
}

describe("the range of quantities each holding may take", () => {
  it("moves toward the target only, at most one increment past it, and sells no more than it holds", () => {
    const search = searchOf([
      // 250 below the target in increments of 100: three buys, the third one past the target.
      holding({ value: 0, target: 250, unit: 100 }),
      // 250 above, holding 5 increments: three sells.
      holding({ value: 500, target: 250, unit: 100 }),
      // 250 above, holding 1 increment only: one sell.
      holding({ value: 500, target: 250, unit: 100, sellableUnits: 1 }),
      // Below the target but not to be bought (sell-only), and above it but not sellable (buy-only).
      holding({ value: 0, target: 250, unit: 100, canBuy: false }),
      holding({ value: 500, target: 250, unit: 100, sellableUnits: 0 }),
      // On its target: nothing either way.
      holding({ value: 300, target: 300, unit: 100 }),
    ]);
    expect(ranges(search)).toEqual([
      [0, 3],
      [-3, 0],
      [-1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it("counts increments to the target up to float noise, not one past it", () => {
    // 0.3 / 0.1 is 2.9999999999999996 and 1.1 / 0.1 is 11.000000000000002: three and eleven increments.
    const search = searchOf([
      holding({ value: 0, target: 0.3, unit: 0.1 }),
      holding({ value: 1.1, target: 0, unit: 0.1 }),
    ]);
    expect(ranges(search)).toEqual([
      [0, 3],
      [-11, 0],
    ]);
  });

  it("allows no range at all when its end is an order below the minimum, and takes a minimum below one as one", () => {
    const search = searchOf([
      // Two increments to the target, three at least per order: nothing to buy.
      holding({ value: 0, target: 200, unit: 100, minUnits: 3 }),
      // Three to the target and three at least: exactly the minimum is allowed.
      holding({ value: 0, target: 300, unit: 100, minUnits: 3 }),
      // Two to sell, three at least: nothing to sell; three to sell and three at least: allowed.
      holding({ value: 500, target: 300, unit: 100, minUnits: 3 }),
      holding({ value: 500, target: 200, unit: 100, minUnits: 3 }),
      // A minimum of zero increments (no minimum trade value) is an order of one.
      holding({ value: 0, target: 300, unit: 100, minUnits: 0 }),
    ]);
    expect(ranges(search)).toEqual([
      [0, 0],
      [0, 3],
      [0, 0],
      [-3, 0],
      [0, 3],
    ]);
    expect(search.items.map((item) => item.minUnits)).toEqual([3, 3, 3, 3, 1]);
  });

  it("scales its tolerances by the managed value: holdings and cash, at least 1", () => {
    const search = searchOf(
      [holding({ value: 300, target: 0, unit: 100 }), holding({ value: 0, target: 500, unit: 100 })],
      -200,
    );
    expect(search.scale).toBe(500);
    expect(search.eps).toBe(500e-12);
    expect(searchOf([holding({ value: 0, target: 0, unit: 1 })], 0).scale).toBe(1);
    expect(searchOf([holding({ value: 0.25, target: 0, unit: 0.25 })], 0.25).scale).toBe(1);
  });
});

describe("clamp and step", () => {
  const search = (): IncrementSearch =>
    searchOf([
      holding({ value: 0, target: 500, unit: 100, minUnits: 2 }),
      holding({ value: 500, target: 0, unit: 100, minUnits: 2, sellableUnits: 4 }),
    ]);

  it("clamps a quantity into the holding's range, and one below the minimum order to nothing", () => {
    const s = search();
    expect([9, 5, 3, 2, 1, 0, -1, -4].map((k) => s.clamp(0, k))).toEqual([5, 5, 3, 2, 0, 0, 0, 0]);
    expect([-9, -4, -3, -2, -1, 0, 1, 4].map((k) => s.clamp(1, k))).toEqual([-4, -4, -3, -2, 0, 0, 0, 0]);
  });

  it("steps one increment at a time within the range, over orders below the minimum", () => {
    const s = search();
    const walk = (i: number, dir: 1 | -1): (number | undefined)[] => {
      const seen: (number | undefined)[] = [];
      for (let next = s.step(i, dir); next !== undefined; next = s.step(i, dir)) {
        seen.push(next);
        s.set(i, next);
      }
      return seen;
    };
    expect(walk(0, 1)).toEqual([2, 3, 4, 5]);
    expect(walk(0, -1)).toEqual([4, 3, 2, 0]);
    expect(walk(1, -1)).toEqual([-2, -3, -4]);
    expect(walk(1, 1)).toEqual([-3, -2, 0]);
  });
});

describe("the cash floor", () => {
  const problemWith = (floor: number): IncrementSearch =>
    searchOf(
      [
        holding({ value: 0, target: 1000, unit: 100, fee: 5 }),
        holding({ value: 1000, target: 0, unit: 100 }),
      ],
      500,
      floor,
    );

  it("limits buys: cash after a buy and its commission below the floor is a shortfall, and such a move gains -Infinity", () => {
    const s = problemWith(200);
    // A buy of 3 pays 300 + 5: 195 left, 5 below the floor.
    expect(s.gain(0, 3)).toBe(-Infinity);
    s.set(0, 3);
    expect(s.shortfall()).toBeCloseTo(5, 6);
    s.set(0, 2);
    expect(s.shortfall()).toBe(0);
    expect(s.gain(0, 1)).toBeGreaterThan(-Infinity);
    // Selling raises cash: with a sell of one, buying three leaves 295.
    s.set(1, -1);
    s.set(0, 3);
    expect(s.shortfall()).toBe(0);
  });

  it("does not limit sells: cash below its floor with no buy is no shortfall", () => {
    const s = problemWith(5000);
    s.set(1, -2);
    expect(s.shortfall()).toBe(0);
    expect(s.gain(1, -3)).toBeGreaterThan(-Infinity);
    // Within float noise of the floor (a millionth of a cent) is not below it.
    const atFloor = problemWith(195 + 1e-10);
    atFloor.set(0, 3);
    expect(atFloor.shortfall()).toBe(0);
  });
});

describe("the start from the continuous flows", () => {
  it("rounds buys down and sells away from zero, so that the start never spends more cash than the flows", () => {
    const s = searchOf([
      holding({ value: 0, target: 1000, unit: 100 }),
      holding({ value: 1000, target: 0, unit: 100 }),
      holding({ value: 0, target: 1, unit: 0.1 }),
      holding({ value: 2, target: 0, unit: 0.1 }),
      holding({ value: 0, target: 1000, unit: 100 }),
    ]);
    // 0.3 / 0.1 and 1.1 / 0.1 carry float noise: three and eleven increments, not two and twelve.
    s.start([250, -250, 0.3, -1.1, 0]);
    expect(s.units).toEqual([2, -3, 3, -11, 0]);
  });

  it("keeps the start within each holding's range and the minimum order", () => {
    const s = searchOf([
      // Flows past the range: the range's end.
      holding({ value: 0, target: 300, unit: 100 }),
      holding({ value: 300, target: 0, unit: 100, sellableUnits: 2 }),
      // Flows against the direction to the target: nothing.
      holding({ value: 0, target: 300, unit: 100 }),
      holding({ value: 300, target: 0, unit: 100 }),
      // Below the minimum of two: a buy of one is dropped, a sell of one becomes a sell of two.
      holding({ value: 0, target: 300, unit: 100, minUnits: 2 }),
      holding({ value: 300, target: 0, unit: 100, minUnits: 2 }),
      // Exactly the minimum is an order; so is a sell raised to the minimum that sells all there is.
      holding({ value: 0, target: 300, unit: 100, minUnits: 2 }),
      holding({ value: 200, target: 0, unit: 100, minUnits: 2 }),
    ]);
    s.start([900, -900, -200, 200, 100, -100, 200, -100]);
    expect(s.units).toEqual([3, -2, 0, 0, 0, -2, 2, -2]);
  });
});

describe("multi-step exchanges", () => {
  it("take a quantity at either end of a range, exactly the minimum order included", () => {
    // A buy of A (two increments at least, two to its target) paid by the one sell of B there is.
    const search = searchOf(
      [
        holding({ value: 0, target: 200, unit: 100, minUnits: 2 }),
        holding({ value: 200, target: 0, unit: 200 }),
      ],
      0,
    );
    expect(search.multiExchange()).toBe(true);
    expect(search.units).toEqual([2, -1]);
  });

  it("take back a buy of the minimum order entirely to pay for a better one", () => {
    // B's buy of two (its minimum) back to none pays, with the cash left, for A's one increment of 300.
    const search = searchOf(
      [
        holding({ value: 0, target: 300, unit: 300 }),
        holding({ value: 0, target: 200, unit: 100, minUnits: 2 }),
      ],
      300,
    );
    search.set(1, 2);
    expect(search.multiExchange()).toBe(true);
    expect(search.units).toEqual([1, 0]);
  });

  it("move two holdings each to a quantity within the rules, and only when the plan improves", () => {
    const random = seededRandom(31);
    let moved = 0;
    for (let c = 0; c < 150; c++) {
      // Some holdings that may not be bought, or of which only part may be sold: the bounds then stop
      // moves the objective alone would take.
      const drawn = randomProblem(random);
      const problem: RebalanceProblem = {
        ...drawn,
        holdings: drawn.holdings.map((h) => {
          const draw = random();
          if (draw < 0.2) return { ...h, canBuy: false };
          if (draw < 0.4) return { ...h, sellableUnits: Math.floor(h.sellableUnits / 3) };
          if (draw < 0.6) return { ...h, minUnits: 1 + Math.floor(random() * 4) };
          return h;
        }),
      };
      const search = new IncrementSearch(problem);
      // From a random plan within the rules that keeps cash at its floor.
      search.restore(
        search.items.map((item, i) =>
          search.clamp(i, item.lo + Math.floor(random() * (item.hi - item.lo + 1))),
        ),
      );
      if (!search.repair()) continue;
      const before = [...search.units];
      const objective = search.objective();
      if (!search.multiExchange()) continue;
      moved++;
      const changed = search.units.filter((k, i) => k !== before[i]);
      expect(changed, `account ${c}`).toHaveLength(2);
      expectWithinRules(problem, search.units);
      expect(objectiveOf(problem, search.units)).toBeLessThan(objective);
    }
    expect(moved).toBeGreaterThan(20);
  });
});
