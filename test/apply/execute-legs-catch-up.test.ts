// What the executor learns by asking IB rather than from its live reports: the cash an earlier run's buy
// still needs when part of it has filled (and none once it was cancelled after that part), and a fill
// whose live report never came, read again once the deadline's cancels are through.
import { afterEach, describe, expect, it } from "vitest";
import { executeLegs, type ExecuteOptions } from "../../src/apply/execute-legs.js";
import type { Broker, BrokerEvent } from "../../src/broker/broker.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT } from "../gateway-sim/support/test-state.js";
import {
  APPLY_CLIENT,
  bndLimitBuy,
  executeOptions,
  legRef,
  vnqMarketBuy,
} from "./support/execute-legs-setup.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { brokerWith } from "./support/broker-with.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const HASH = "13579bdf02468ace".repeat(4);
const ref = (leg: string) => legRef(HASH, leg);
/** A market buy of 30 VNQ planned at 88.40: with 50 bps allowed, each share may cost 88.842. */
const VNQ_MKT = vnqMarketBuy(30);
/** A limit buy of 10 BND at 72.60, in reach of BND's ask (72.52): the simulator fills 4 and holds 6. */
const BND_LMT = bndLimitBuy();
const FLOOR = 500;
const options = (extra: Partial<ExecuteOptions> = {}) =>
  executeOptions(HASH, { cashFloor: { USD: FLOOR }, ...extra });

async function simFillingFourOfTenBnd(): Promise<GatewaySim> {
  const sim = await startTestSim();
  sim.injectFault({ type: "partial-fill", symbol: "BND", fraction: 0.4, times: 1 });
  return sim;
}

/** An earlier run sent B2 and stopped once IB had filled 4 of its 10 shares; `then` runs before it goes. */
async function earlierRunFilledFourOfB2(
  sim: GatewaySim,
  then: (broker: IbBroker, orderId: number) => Promise<void> = async () => undefined,
): Promise<void> {
  const earlier = await connectBroker(sim, { clientId: APPLY_CLIENT });
  const filled = nextEvent(earlier, (e) => e.kind === "execution");
  const { orderId } = await earlier.placeOrder({
    account: ACCOUNT,
    contract: BND_LMT.contract,
    side: "BUY",
    quantity: 10,
    orderType: "LMT",
    limitPrice: 72.6,
    orderRef: ref("B2"),
  });
  await filled;
  await then(earlier, orderId);
  await earlier.close();
}

describe("executeLegs sizing fresh buys beside an earlier run's partly filled buy", () => {
  it("keeps aside the cash of the part still working (6 x 72.60), not of the whole order", async () => {
    const sim = await simFillingFourOfTenBnd();
    await earlierRunFilledFourOfB2(sim);
    // 3,000 above the floor less 435.60 for B2's 6 working shares leaves 2,564.40: 28 VNQ at 88.842 + 1.
    // Keeping 726 (the whole order) would leave 25; 1,016.40 (sent and filled added) 22; nothing, 30.
    sim.setCash(ACCOUNT, "USD", FLOOR + 3_000);
    const deadlines = new WaveDeadlines();
    const result = await executeLegs(
      await connectBroker(sim, { clientId: APPLY_CLIENT }),
      [VNQ_MKT, BND_LMT],
      options({
        waveDeadline: deadlines.port,
        cancelGrace: new WaveDeadlines().port,
        // B2's held 6 never fill: once B1 has, the buys' deadline is reached and B2's rest cancelled.
        onProgress: (event) => {
          if (event.kind === "filled" && event.leg === "B1" && event.filled === event.quantity)
            deadlines.reach("B1");
        },
      }),
    );

    const [b1, b2] = result.legs;
    expect(b1).toMatchObject({ sentQuantity: 28, filledQuantity: 28 });
    expect(b1?.notes).toContain("cash in USD after the sells pays for 28 of 30 shares");
    expect(b2).toMatchObject({ resumed: true, sentQuantity: 10, filledQuantity: 4, status: "partial" });
    expect(sim.orders().filter((o) => o.orderRef === ref("B2"))).toHaveLength(1);
  });

  it("keeps no cash for one that was cancelled after its part filled", async () => {
    const sim = await simFillingFourOfTenBnd();
    await earlierRunFilledFourOfB2(sim, async (earlier, orderId) => {
      const cancelled = nextEvent(
        earlier,
        (e) => e.kind === "order-status" && e.order.status === "Cancelled",
      );
      await earlier.cancelOrder(orderId);
      await cancelled;
    });
    // 3,000 above the floor pays for all 30 VNQ (2,666.26); keeping 435.60 for B2 would leave 28.
    sim.setCash(ACCOUNT, "USD", FLOOR + 3_000);
    const result = await executeLegs(
      await connectBroker(sim, { clientId: APPLY_CLIENT }),
      [VNQ_MKT, BND_LMT],
      options(),
    );

    const [b1, b2] = result.legs;
    expect(b1).toMatchObject({ sentQuantity: 30, filledQuantity: 30, status: "filled" });
    expect(b2).toMatchObject({ resumed: true, filledQuantity: 4, status: "partial" });
  });
});

describe("executeLegs after the cancels at a wave's deadline", () => {
  it("reads IB's fills again: a fill whose live report was lost is counted", async () => {
    const sim = await simFillingFourOfTenBnd();
    const broker = losingLiveFills(await connectBroker(sim));
    // The buys' deadline is reached as soon as they wait: B2's held 6 are cancelled at once.
    const deadlines = new WaveDeadlines();
    deadlines.reach("B2");
    const result = await executeLegs(
      broker,
      [BND_LMT],
      options({ waveDeadline: deadlines.port, cancelGrace: new WaveDeadlines().port }),
    );

    expect(sim.executions().map((e) => e.shares)).toEqual([4]);
    expect(result.legs[0]).toMatchObject({ sentQuantity: 10, filledQuantity: 4, status: "partial" });
    expect(result.legs[0]?.fills.map((f) => f.shares)).toEqual([4]);
  });
});

function nextEvent(broker: Broker, wanted: (event: BrokerEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = broker.subscribe((event) => {
      if (!wanted(event)) return;
      stop();
      resolve();
    });
  });
}

/** The real broker, except that no fill (nor its commission) is reported live: only when asked. */
function losingLiveFills(inner: IbBroker): Broker {
  return brokerWith(inner, {
    subscribe: (listener: (event: BrokerEvent) => void) =>
      inner.subscribe((event) => {
        if (event.kind !== "execution" && event.kind !== "commission") listener(event);
      }),
  });
}
