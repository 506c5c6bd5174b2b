// The executor's own safety rules: buys sized for the price move the plan allows, cash an earlier run's
// working buys will take kept aside, and a placement IB did not acknowledge looked up by its orderRef
// before anything else.
import { afterEach, describe, expect, it } from "vitest";
import { executeLegs, type ExecuteOptions } from "../../src/apply/execute-legs.js";
import type { ExecutableLeg } from "../../src/apply/execution-types.js";
import type { Broker } from "../../src/broker/broker.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { IbConnection } from "../../src/broker/ib/ib-connection.js";
import { TimeoutError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND, VNQ } from "../gateway-sim/support/test-state.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { usStock as contract } from "./support/us-stock.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const HASH = "fedcba9876543210".repeat(4);
const ref = (leg: string) => `folioctl:${HASH.slice(0, 12)}:${leg}`;
/** A market buy of 30 VNQ planned at 88.40: with 50 bps allowed, each share may cost 88.842. */
const VNQ_MKT: ExecutableLeg = {
  leg: "B1",
  side: "BUY",
  quantity: 30,
  orderType: "MKT",
  estimatedPrice: 88.4,
  contract: contract(VNQ, "VNQ"),
};
/** A limit buy of 10 BND at 72.60, which rests while BND's ask is out of its reach. */
const BND_LMT: ExecutableLeg = {
  leg: "B2",
  side: "BUY",
  quantity: 10,
  orderType: "LMT",
  limitPrice: 72.6,
  estimatedPrice: 72.5,
  contract: contract(BND, "BND"),
};
const BND_OUT_OF_REACH = { bid: 72.9, ask: 73 };
const FLOOR = 500;

function options(extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    account: ACCOUNT,
    planHash: HASH,
    // A guard against a hang only: these waves end by their fills, or at a deadline the test reaches.
    waveTimeoutMs: 60_000,
    cashFloor: { USD: FLOOR },
    buyPriceBufferBps: 50,
    commission: () => 1,
    reconnect: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    ...extra,
  };
}

const ordersOf = (sim: GatewaySim, leg: string) => sim.orders().filter((o) => o.orderRef === ref(leg));

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
    const earlier = await connectBroker(sim, { clientId: 41 });
    await earlier.placeOrder({
      account: ACCOUNT,
      contract: BND_LMT.contract,
      side: "BUY",
      quantity: 10,
      orderType: "LMT",
      limitPrice: 72.6,
      orderRef: ref("B2"),
    });
    await earlier.close();
    // 3,000 above the floor pays for all 30 VNQ (2,666.26), but not after the 726: 2,274 pays for 25.
    sim.setCash(ACCOUNT, "USD", FLOOR + 3_000);
    // Once B1 filled, a person cancels the earlier run's order at the broker: the wave then ends.
    const result = await executeLegs(
      await connectBroker(sim, { clientId: 41 }),
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

/** A person at the broker cancels every working order (TWS's "cancel all"), from a client of their own. */
async function cancelAllAsAPerson(sim: GatewaySim): Promise<void> {
  const person = new IbConnection({ host: sim.host, port: sim.port, clientId: 0, timeoutMs: 5_000 });
  await person.connect();
  await person.send((api) => api.reqGlobalCancel());
  await person.close();
}

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

/** Every call of the Broker interface, passed to the real broker. */
function delegate(inner: IbBroker): Broker {
  return {
    connect: () => inner.connect(),
    close: () => inner.close(),
    currentTime: () => inner.currentTime(),
    accountValues: (account) => inner.accountValues(account),
    positions: (account) => inner.positions(account),
    contractDetails: (query) => inner.contractDetails(query),
    quotes: (contracts) => inner.quotes(contracts),
    openOrders: () => inner.openOrders(),
    completedOrders: () => inner.completedOrders(),
    executions: (account) => inner.executions(account),
    cancelOrder: (orderId) => inner.cancelOrder(orderId),
    subscribe: (listener) => inner.subscribe(listener),
    placeOrder: (request) => inner.placeOrder(request),
  };
}
