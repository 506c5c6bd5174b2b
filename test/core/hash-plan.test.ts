import { describe, expect, it } from "vitest";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { hashPlan, verifyPlanHash } from "../../src/core/hash-plan.js";
import { makePortfolio, makeSnapshot, planOk, twoFundPlan } from "./plan-builders.js";

const roundTrip = (text: string): unknown => JSON.parse(text);

// Each test plans its own: planning when the file is collected would hide from a mutation run which
// tests reach the planner.
describe("plan hash", () => {
  it("is the SHA-256 of the canonical plan without its hash field", () => {
    const plan = twoFundPlan();
    expect(plan.hash).toBe(hashPlan(plan));
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is the same for a plan of hundreds of orders, however computePlan hashes it", () => {
    const symbols = Array.from({ length: 200 }, (_, i) => `S${i}`);
    const large = planOk(
      makePortfolio(symbols.map((symbol) => ({ symbol, weight: 0.5 }))),
      makeSnapshot(
        symbols.map((symbol, i) => ({ symbol, price: 10 + i, quantity: i % 3 === 0 ? 0 : 40 })),
        { cash: { USD: 200_000 } },
      ),
    );
    expect(large.orders.length).toBeGreaterThan(100);
    expect(large.hash).toBe(hashPlan(large));
    expect(verifyPlanHash(roundTrip(formatPlanFile(large)))).toEqual({ ok: true, hash: large.hash });
  });

  it("verifies a plan read back from its file, whatever its indentation", () => {
    const plan = twoFundPlan();
    expect(verifyPlanHash(roundTrip(formatPlanFile(plan)))).toEqual({ ok: true, hash: plan.hash });
    expect(verifyPlanHash(roundTrip(JSON.stringify(plan)))).toEqual({ ok: true, hash: plan.hash });
  });

  it("refuses a plan whose orders were edited after it was made", () => {
    const plan = twoFundPlan();
    const edited = roundTrip(formatPlanFile(plan)) as typeof plan;
    (edited.orders[0] as { quantity: number }).quantity += 1;
    const check = verifyPlanHash(edited);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.message).toMatch(
      /^the plan's content hashes to [0-9a-f]{12}, not to its recorded hash [0-9a-f]{12}: it was edited after it was made$/,
    );
  });

  it.each([
    [null, "the plan is not a JSON object"],
    [[1, 2], "the plan is not a JSON object"],
    [{ account: "DU1234567" }, "the plan has no hash field"],
  ])("refuses %j", (value, message) => {
    expect(verifyPlanHash(value)).toMatchObject({ ok: false, message });
  });
});
