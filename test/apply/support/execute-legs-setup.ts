// What the executeLegs tests share: their hand-made legs, the options they run with, their orderRefs, and
// the earlier run or person acting at IB before them. Each file passes its own plan hash, so that two
// files' orderRefs never collide.
import type { ExecuteOptions } from "../../../src/apply/execute-legs.js";
import type { ExecutableLeg } from "../../../src/apply/execution-types.js";
import type { Broker } from "../../../src/broker/broker.js";
import type { IbBroker } from "../../../src/broker/ib/ib-broker.js";
import { IbConnection } from "../../../src/broker/ib/ib-connection.js";
import type { GatewaySim } from "../../../src/gateway-sim/index.js";
import { connectBroker } from "../../broker/support/connect-broker.js";
import { ACCOUNT, BND, VNQ } from "../../gateway-sim/support/test-state.js";
import { usStock } from "./us-stock.js";

/** The client id every apply run uses: IB reports an earlier run's orders to it. */
export const APPLY_CLIENT = 41;

/** The orderRef of `leg` under the plan `planHash`, written out here rather than taken from the code. */
export const legRef = (planHash: string, leg: string) => `folioctl:${planHash.slice(0, 12)}:${leg}`;

/** The orders the simulator holds for one leg of the plan `planHash`. */
export const ordersOf = (sim: GatewaySim, planHash: string, leg: string) =>
  sim.orders().filter((o) => o.orderRef === legRef(planHash, leg));

/** B1: a market buy of VNQ planned at 88.40 (with 50 bps allowed, each share may cost 88.842). */
export function vnqMarketBuy(quantity: number): ExecutableLeg {
  return {
    leg: "B1",
    side: "BUY",
    quantity,
    orderType: "MKT",
    estimatedPrice: 88.4,
    contract: usStock(VNQ, "VNQ"),
  };
}

/** B2: a limit buy of 10 BND at 72.60, planned at 72.50. */
export function bndLimitBuy(): ExecutableLeg {
  return {
    leg: "B2",
    side: "BUY",
    quantity: 10,
    orderType: "LMT",
    limitPrice: 72.6,
    estimatedPrice: 72.5,
    contract: usStock(BND, "BND"),
  };
}

/** The options of a run of the plan `planHash`: 500 USD kept, 50 bps allowed, 1 USD a fill. */
export function executeOptions(planHash: string, extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    account: ACCOUNT,
    planHash,
    // A guard against a hang only: these waves end by their fills, or at a deadline the test reaches.
    waveTimeoutMs: 60_000,
    cashFloor: { USD: 500 },
    buyPriceBufferBps: 50,
    commission: () => 1,
    reconnect: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    ...extra,
  };
}

/** An earlier run of the plan `planHash` sent `leg` and stopped: it is working at IB under the apply's client id. */
export async function leftWorkingByAnEarlierRun(
  sim: GatewaySim,
  planHash: string,
  leg: ExecutableLeg,
): Promise<void> {
  const earlier = await connectBroker(sim, { clientId: APPLY_CLIENT });
  await earlier.placeOrder({
    account: ACCOUNT,
    contract: leg.contract,
    side: leg.side,
    quantity: leg.quantity,
    orderType: leg.orderType,
    ...(leg.limitPrice === undefined ? {} : { limitPrice: leg.limitPrice }),
    orderRef: legRef(planHash, leg.leg),
  });
  await earlier.close();
}

/** A person at the broker cancels every working order (TWS's "cancel all"), from a client of their own. */
export async function cancelAllAsAPerson(sim: GatewaySim): Promise<void> {
  const person = new IbConnection({ host: sim.host, port: sim.port, clientId: 0, timeoutMs: 5_000 });
  await person.connect();
  await person.send((api) => api.reqGlobalCancel());
  await person.close();
}

/** Every call of the Broker interface, passed to the real broker: the base a test replaces calls of. */
export function delegate(inner: IbBroker): Broker {
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
