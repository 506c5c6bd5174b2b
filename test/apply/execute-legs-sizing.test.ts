// The executor's own safety rules: buys sized for the price move the plan allows, cash an earlier run's
// working buys will take kept aside, and a placement IB did not acknowledge looked up by its orderRef
// before anything else.
import { afterEach, describe, expect, it } from "vitest";
import { executeLegs, type ExecuteOptions } from "../../src/apply/execute-legs.js";
import type { Broker } from "../../src/broker/broker.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { TimeoutError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND } from "../gateway-sim/support/test-state.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import {
  APPLY_CLIENT,
  bndLimitBuy,
  cancelAllAsAPerson,
  delegate,
  executeOptions,
  leftWorkingByAnEarlierRun,
  ordersOf as ordersOfPlan,
  vnqMarketBuy,
} from "./support/execute-legs-setup.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const HASH = "fedcba9876543210".repeat(4);
/** A market buy of 30 VNQ planned at 88.40: with 50 bps allowed, each share may cost 88.842. */
const VNQ_MKT = vnqMarketBuy(30);
/** A limit buy of 10 BND at 72.60, which rests while BND's ask is out of its reach. */
const BND_LMT = bndLimitBuy();
const BND_OUT_OF_REACH = { bid: 72.9, ask: 73 };
const FLOOR = 500;
const options = (extra: Partial<ExecuteOptions> = {}) =>
  executeOptions(HASH, { cashFloor: { USD: FLOOR }, ...extra });
const ordersOf = (sim: GatewaySim, leg: string) => ordersOfPlan(sim, HASH, leg);

describe("executeLegs sizes buys from the cash that is there", () => {
  it("sizes a market buy at the plan price plus the allowed move, not at the plan price", async () => {
    const sim = await startTestSim();
    // 30 x 88.40 + 1 = 2,653 fits in 2,660; 30 x 88.842 + 1 = 2,666.26 does not.
    sim.setCash(ACCOUNT, "USD", FLOOR + 2_660);
    const result = await executeLegs(await connectBroker(sim), [VNQ_MKT], options());
    const leg = result.legs[0]!;
    expect(leg).toMatchObject({ sentQuantity: 29, filledQuantity: 29 });
    expect(leg.notes).toContain("cash in USD after the sells pays for 29 of 30 shares");
    expect(sim.account(ACCOUNT).cash["USD"]).toBeGreaterThanOrEqual(FLOOR);
  });

  it("keeps aside the cash an earlier run's working buy will take when it fills", async () => {
    const sim = await startTestSim();
    sim.setQuote(BND, BND_OUT_OF_REACH);
    // An earlier run sent B2 and stopped: it is working at IB, 10 x 72.60 = 726 of cash spoken for.
    // The same client id as every apply run, as in production: IB reports the order's status to it.
    await leftWorkingByAnEarlierRun(sim, HASH, BND_LMT);
    // 3,000 above the floor pays for all 30 VNQ (2,666.26), but not after the 726: 2,274 pays for 25.
    sim.setCash(ACCOUNT, "USD", FLOOR + 3_000);
    // Once B1 filled, a person cancels the earlier run's order at the broker: the wave then ends.
    const result = await executeLegs(
      await connectBroker(sim, { clientId: APPLY_CLIENT }),
      [VNQ_MKT, BND_LMT],
      options({
        waveTimeoutMs: 60_000,
        onProgress: (event) => {
          if (event.kind === "filled" && event.leg === "B1" && event.filled === event.quantity)
            void cancelAllAsAPerson(sim);
        },
      }),
    );
    const b1 = result.legs.find((l) => l.leg === "B1")!;
    expect(b1).toMatchObject({ sentQuantity: 25, filledQuantity: 25 });
    expect(b1.notes).toContain("cash in USD after the sells pays for 25 of 30 shares");
    expect(ordersOf(sim, "B2")).toHaveLength(1);
    expect(result.legs.find((l) => l.leg === "B2")?.resumed).toBe(true);
  });
});

describe("executeLegs after a placement IB did not acknowledge", () => {
  it("looks the order up by its orderRef, follows it, and neither resends it nor calls it unsent", async () => {
    const sim = await startTestSim();
    sim.setQuote(BND, BND_OUT_OF_REACH);
    const broker = losingFirstAcknowledgement(await connectBroker(sim));
    // The buys' deadline is reached as soon as they wait for it: B2 cannot fill.
    const deadlines = new WaveDeadlines();
    deadlines.reach("B2");
    const result = await executeLegs(broker, [BND_LMT], options({ waveDeadline: deadlines.port }));
    const leg = result.legs[0]!;
    expect(ordersOf(sim, "B2")).toHaveLength(1);
    expect(leg.notes.filter((n) => n.startsWith("not sent"))).toEqual([]);
    // Found and followed: it rested unfilled and was cancelled at the deadline, like any working leg.
    expect(leg).toMatchObject({ status: "unfilled", sentQuantity: 10 });
    expect(ordersOf(sim, "B2")[0]?.status).toBe("Cancelled");
  });
});

describe("executeLegs after a placement that timed out on a live connection and never reached IB", () => {
  it("does not send it again in this run: IB may still be working through it", async () => {
    const sim = await startTestSim();
    const inner = await connectBroker(sim);
    let placements = 0;
    // The first placement is lost on the way; a second one would go through.
    const broker: Broker = {
      ...delegate(inner),
      placeOrder: (request) =>
        placements++ === 0
          ? Promise.reject(new TimeoutError("IB Gateway did not acknowledge the order in time"))
          : inner.placeOrder(request),
    };
    const result = await executeLegs(broker, [VNQ_MKT], options());
    expect(sim.orders()).toEqual([]);
    expect(result.legs[0]).toMatchObject({ status: "not-sent", sentQuantity: 0 });
    expect(result.legs[0]?.notes).toEqual([
      "not sent: IB Gateway did not acknowledge it (IB Gateway did not acknowledge the order in time)",
    ]);
  });
});

/**
 * The real broker, except that the first placement's acknowledgement is lost on a live connection:
 * the order reached IB, but placeOrder times out as if it had not answered.
 */
function losingFirstAcknowledgement(inner: IbBroker): Broker {
  let lost = false;
  return {
    ...delegate(inner),
    placeOrder: async (request) => {
      const placed = await inner.placeOrder(request);
      if (lost) return placed;
      lost = true;
      throw new TimeoutError(`IB Gateway did not acknowledge the order ${request.orderRef} in time`);
    },
  };
}
