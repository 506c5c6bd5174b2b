// A run that stopped after its sells filled, run again: it resumes. The account then holds less than the
// plan sells (the sells are done), and its cash already holds their proceeds, so the checks of a first
// run (no short sale, cash after the orders) do not apply; taken for a first run, it would be refused.
// What IB reports of the plan's orders and fills is enough to tell, with or without the first run's record.
import { afterEach, describe, expect, it } from "vitest";
import type { Broker } from "../../src/broker/broker.js";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { BrokerError } from "../../src/errors.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim, ordersPerRef } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The example with VTI cut from 40% to 10%: the plan sells most of the 100 VTI the account holds. */
const sellMostOfVti = (y: string) =>
  y
    .replace("weight: 40 #", "weight: 10 #")
    .replace("{ symbol: BND, weight: 35 }", "{ symbol: BND, weight: 50 }")
    .replace("{ symbol: VNQ, weight: 20 }", "{ symbol: VNQ, weight: 35 }")
    .replace("maxTurnover: 30", "maxTurnover: 100");

/** The real broker, except that reading the cash after the sells fails: the run stops there. */
function stoppingAfterTheSells(inner: IbBroker): Broker {
  let cashReads = 0;
  return Object.assign(Object.create(inner) as IbBroker, {
    accountValues: (account: string) =>
      ++cashReads === 1
        ? inner.accountValues(account)
        : Promise.reject(new BrokerError("IB Gateway did not answer the account read")),
    connect: () => inner.connect(),
    close: () => inner.close(),
    currentTime: () => inner.currentTime(),
    positions: (account: string) => inner.positions(account),
    quotes: (...args: Parameters<IbBroker["quotes"]>) => inner.quotes(...args),
    openOrders: () => inner.openOrders(),
    completedOrders: () => inner.completedOrders(),
    executions: (account: string) => inner.executions(account),
    cancelOrder: (orderId: number) => inner.cancelOrder(orderId),
    placeOrder: (...args: Parameters<IbBroker["placeOrder"]>) => inner.placeOrder(...args),
    subscribe: (...args: Parameters<IbBroker["subscribe"]>) => inner.subscribe(...args),
    contractDetails: (...args: Parameters<IbBroker["contractDetails"]>) => inner.contractDetails(...args),
  });
}

describe("runApply resuming a run that stopped after its sells", () => {
  it("sends the buys the first run never sent, though the account now holds less than the plan sells", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date(), sellMostOfVti);
    const sell = fixture.plan.orders.find((o) => o.side === "SELL")!;
    const held = sim.account("DU1234567").positions.find((p) => p.conId === sell.conId)!.quantity;
    // Once the sell filled, the account holds less than the sell's quantity.
    expect(sell.quantity).toBeGreaterThan(held - sell.quantity);

    const first = await apply(sim, fixture, {
      broker: stoppingAfterTheSells(
        new IbBroker({ host: sim.host, port: sim.port, clientId: 11, timeoutMs: 3_000 }),
      ),
    });
    expect(first.record.outcome).toBe("partial");
    expect(first.record.orders.filter((o) => o.status === "filled").map((o) => o.leg)).toEqual([sell.leg]);

    const again = await apply(sim, fixture);

    expect(again.record.refusal).toBeNull();
    expect(again.record.outcome).toBe("applied");
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  });

  it("resumes from what IB reports alone when the first run left no record", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date(), sellMostOfVti);
    const sell = fixture.plan.orders.find((o) => o.side === "SELL")!;

    // Without a ledger directory: the first run writes no record, so only IB knows what it did.
    const first = await apply(sim, fixture, {
      ledgerDir: undefined,
      broker: stoppingAfterTheSells(
        new IbBroker({ host: sim.host, port: sim.port, clientId: 11, timeoutMs: 3_000 }),
      ),
    });
    expect(first.record.orders.filter((o) => o.status === "filled").map((o) => o.leg)).toEqual([sell.leg]);
    expect(first.ledgerFile).toBeUndefined();

    const again = await apply(sim, fixture);

    expect(again.record.refusal).toBeNull();
    expect(again.record.outcome).toBe("applied");
    expect(again.record.orders.find((o) => o.leg === sell.leg)?.resumed).toBe(true);
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  });
});
