// The conversions are a wave of their own: sent only once the sells have ended (they may convert what
// the sells raised), and the buys only once the conversions have. A conversion is a SELL of a currency
// pair; taken for a stock sell, it would be sent with the sells, before their proceeds are there.
import { afterEach, describe, expect, it } from "vitest";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, ordersPerRef } from "./support/apply-harness.js";
import { holdLeg } from "./support/hold-sells.js";
import { cleanupPlanFixtures } from "./support/plan-fixture.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { eurSim, sellConvertBuyPlan } from "./support/eur-example.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

async function sellConvertBuy() {
  const sim = await eurSim();
  return { sim, fixture: await sellConvertBuyPlan(sim) };
}

const receivedLegs = (sim: GatewaySim): string[] =>
  [...sim.orders()].sort((a, b) => a.orderId - b.orderId).map((o) => o.orderRef.split(":").pop() ?? "");

describe("apply's conversion wave", () => {
  it("sends the conversion only once the sells have ended, and the buys once it has", async () => {
    const { sim, fixture } = await sellConvertBuy();
    expect(fixture.plan.orders.map((o) => o.leg)).toEqual(["S1", "F1", "B1", "B2"]);
    const releaseSell = holdLeg(sim, fixture.plan, "S1");
    const releaseConversion = holdLeg(sim, fixture.plan, "F1");
    const deadlines = new WaveDeadlines();
    const sellsWait = deadlines.nextWave();

    const run = apply(sim, fixture, { waveDeadline: deadlines.port });

    expect(await sellsWait).toEqual(["S1"]);
    expect(receivedLegs(sim)).toEqual(["S1"]);
    const conversionsWait = deadlines.nextWave();
    releaseSell();
    expect(await conversionsWait).toEqual(["F1"]);
    expect(receivedLegs(sim)).toEqual(["S1", "F1"]);
    releaseConversion();
    const result = await run;

    expect(result.record.outcome).toBe("applied");
    expect(receivedLegs(sim)).toEqual(["S1", "F1", "B1", "B2"]);
    expect(ordersPerRef(sim)).toEqual([1, 1, 1, 1]);
  });
});
