// The conversions are a wave of their own: sent only once the sells have ended (they may convert what
// the sells raised), and the buys only once the conversions have. A conversion is a SELL of a currency
// pair; taken for a stock sell, it would be sent with the sells, before their proceeds are there.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSimStateFile, type GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { REPO_ROOT } from "../support/run-cli.js";
import { apply, ordersPerRef } from "./support/apply-harness.js";
import { holdLeg } from "./support/hold-sells.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The EUR example with VTI cut to 20% and VNQ raised to 45%: S1, then F1 (EUR.USD), then B1, B2. */
async function sellConvertBuy() {
  const loaded = await loadSimStateFile(join(REPO_ROOT, "examples/sim-state-eur.yaml"));
  if (!loaded.ok) throw new Error("the EUR example state is invalid");
  const sim = await startTestSim({ state: loaded.state });
  const fixture = await planFixture(
    sim,
    new Date(),
    (y) =>
      y
        .replace("{ symbol: VTI, weight: 55,", "{ symbol: VTI, weight: 20,")
        .replace("{ symbol: VNQ, weight: 10,", "{ symbol: VNQ, weight: 45,")
        .replace("maxTurnover: 60", "maxTurnover: 100"),
    join(REPO_ROOT, "examples/portfolio-eur.yaml"),
  );
  return { sim, fixture };
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
