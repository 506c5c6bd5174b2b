// Apply takes contracts from the plan's snapshot instead of asking IB again; IB's position report, which
// names every held contract, must agree with it.
import { afterEach, describe, expect, it } from "vitest";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

const VTI = 756733;

describe("the plan's contracts at apply", () => {
  it("stops with an error, sending nothing, when IB calls a held conId by another symbol than the plan", async () => {
    const planned = await exampleSim();
    const fixture = await planFixture(planned, new Date());
    expect(fixture.plan.orders.length).toBeGreaterThan(0);
    // The same account, cash and prices, but IB now names conId 756733 differently.
    const renamed = await exampleSim((state) => {
      const vti = state.contracts.find((c) => c.conId === VTI);
      if (vti === undefined) throw new Error("the example state has no VTI");
      vti.symbol = "VTIX";
    });

    const result = await apply(renamed, fixture);

    expect(result.exitCode).toBe(1);
    expect(result.record.outcome).toBe("error");
    expect(result.record.error).toContain(
      `IB reports conId ${VTI} as VTIX in USD, but the plan's snapshot says VTI in USD`,
    );
    expect(renamed.orders()).toEqual([]);
  });
});
