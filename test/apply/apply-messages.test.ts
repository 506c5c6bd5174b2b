import { afterEach, describe, expect, it } from "vitest";
import { stopSims, startTestSim } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, apply, expectLedgerMatchesSimulator, positionsOf } from "./support/apply-harness.js";
import { generatedPortfolio, generatedState, type AccountShape } from "./support/generated-account.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

// IB allows 50 messages a second, so every message an apply sends is time the account waits: a whole
// run of N orders on an account of P positions sends at most 2N + 2P + 30, counted where IB would count
// them (the simulator's received messages).
describe("messages one apply sends to the gateway", () => {
  const shapes: AccountShape[] = [
    { heldTargets: 2, unmanaged: 1, newTargets: 3 },
    { heldTargets: 10, unmanaged: 10, newTargets: 10 },
    { heldTargets: 4, unmanaged: 0, newTargets: 40 },
  ];

  it.each(shapes)(
    "at most 2N + 2P + 30 for $heldTargets held targets, $unmanaged unmanaged, $newTargets new targets",
    async (shape) => {
      const sim = await startTestSim({ state: generatedState(shape) });
      const fixture = await planFixture(sim, new Date(), () => generatedPortfolio(shape));
      const orders = fixture.plan.orders.length;
      const positions = fixture.plan.snapshot.positions.length;
      expect(orders).toBe(shape.heldTargets + shape.newTargets);
      expect(positions).toBe(shape.heldTargets + shape.unmanaged);
      const start = positionsOf(sim);
      const before = sim.stats().messagesReceived;

      const result = await apply(sim, fixture, { waveTimeoutMs: 30_000 });

      expect(result.record.outcome).toBe("applied");
      expectLedgerMatchesSimulator(sim, result.record, start);
      expect(result.record.drift.after).not.toBeNull();
      const sent = sim.stats().messagesReceived - before;
      expect(sent).toBeLessThanOrEqual(2 * orders + 2 * positions + 30);
      expect(sim.stats().pacingViolations).toBe(0);
      expect(sim.account(ACCOUNT).positions.length).toBeGreaterThan(positions);
    },
    60_000,
  );
});
