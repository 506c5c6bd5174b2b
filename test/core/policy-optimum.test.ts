import { describe, expect, it } from "vitest";
import { isConversion } from "../../src/core/plan.js";
import { generateFairCase, seededRandom } from "../../bench/generate-portfolios.js";
import { policyOptimum, policyOptimumWithConversions } from "../../bench/milp-optimum.js";
import { generateEurCase, planConversionFees, readEurBook } from "../../bench/multi-currency.js";
import { planCase } from "../../bench/planning.js";
import { bookShares, policyObjective, readBook } from "../../bench/rebalance-book.js";

// The planner against the policy optimum from the HiGHS MILP solver, which bench/milp-optimum.ts writes
// from the README's rules with its own arithmetic (bench/rebalance-book.ts), not from the planner's code:
// bands, modes, target or band-edge, minimum trade, commissions, cash floor, positions sold whole.
const random = seededRandom(14);
const cases = Array.from({ length: 14 }, () => generateFairCase(random, 8));

describe("whole-share planner against the policy optimum", () => {
  it("reaches the optimum of its own objective on every small account", async () => {
    let traded = 0;
    let stopped = 0;
    for (const generated of cases) {
      const book = readBook(generated);
      const plan = planCase(generated);
      const planned = policyObjective(book, bookShares(book, plan.orders));
      const optimum = policyObjective(book, await policyOptimum(book));
      if (plan.warnings.some((w) => w.code === "search-incomplete")) stopped++;
      // Equal up to rounding: a millionth of the account.
      expect(planned).toBeLessThanOrEqual(optimum + 1e-6 * book.managed);
      if (plan.orders.length > 0) traded++;
    }
    // The sample is not one of accounts that need no trade.
    expect(traded).toBeGreaterThan(cases.length / 2);
    // The node limit is a safety net: it may stop the proof on a rare account, never the optimum here.
    expect(stopped).toBeLessThanOrEqual(1);
  });
});

// The same with several currencies: EUR accounts holding USD and EUR funds, fx.mode: convert, against
// the policy optimum that may also convert (bench/multi-currency.ts), in euros at the snapshot's rates.
describe("planner with conversions against the policy optimum that may convert", () => {
  it("comes within 1% of the optimum's objective on every small EUR account, converting where it must", async () => {
    const eurRandom = seededRandom(15);
    let converted = 0;
    let optimumConverted = 0;
    for (let i = 0; i < 10; i++) {
      const generated = generateEurCase(eurRandom, 8);
      const book = readEurBook(generated);
      const plan = planCase(generated);
      const fxFees = planConversionFees(book, generated, plan);
      if (plan.orders.some(isConversion)) converted++;
      const best = await policyOptimumWithConversions(book);
      if (best.fxFees > 0) optimumConverted++;
      const planned = policyObjective(book, bookShares(book, plan.orders), fxFees);
      const optimum = policyObjective(book, best.shares, best.fxFees);
      expect(planned, `account ${i}`).toBeLessThanOrEqual(optimum * 1.01 + 1e-6 * book.managed);
    }
    // The sample needs conversions, and the optimum makes them too: neither side is spared them.
    expect(converted).toBeGreaterThan(2);
    expect(optimumConverted).toBeGreaterThan(2);
  });
});
