import type { Contract, Order } from "@stoqey/ib";
import { EventName, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { Fault } from "../../src/gateway-sim/index.js";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, BND, testState, VNQ, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

const vti: Contract = { conId: VTI, exchange: "SMART" };
const market = (fields: Partial<Order> = {}): Order => ({
  action: OrderAction.BUY,
  totalQuantity: 10,
  orderType: OrderType.MKT,
  account: ACCOUNT,
  transmit: true,
  ...fields,
});

/** Everything the server sent before this returns has been handled by the client. */
async function barrier(client: IbTestClient): Promise<void> {
  const since = client.mark();
  client.ib.reqCurrentTime();
  await client.waitFor(EventName.currentTime, { since });
}

/** The client's events in order, without its bookkeeping events; notices as `info <code>`. */
function flow(client: IbTestClient, since: number): string[] {
  const bookkeeping = new Set<string>([
    EventName.all,
    EventName.result,
    EventName.sent,
    EventName.received,
    EventName.server,
  ]);
  return client.events
    .slice(since)
    .filter((e) => !bookkeeping.has(e.name))
    .map((e) => (e.name === EventName.info ? `info ${String(e.args[1])}` : e.name));
}

async function simWith(...faults: Fault[]) {
  return startTestSim({ state: { ...testState(), faults } });
}

describe("fault script: disconnects", () => {
  it("drops the connection after a client's Nth message, once", async () => {
    const sim = await simWith({ type: "disconnect", afterMessages: 3 });
    const client = await connectClient(sim.port, 1);
    client.ib.reqCurrentTime(); // message 2
    client.ib.reqCurrentTime(); // message 3: handled, then the connection drops
    await client.closed();
    expect(client.named(EventName.currentTime)).toHaveLength(2);
    expect(sim.firedFaults()).toEqual([
      { fault: { type: "disconnect", afterMessages: 3 }, detail: "message 3 from client 1" },
    ]);

    const again = await connectClient(sim.port, 1);
    again.ib.reqCurrentTime();
    again.ib.reqCurrentTime();
    await barrier(again);
    expect(again.ib.isConnected).toBe(true);
  });

  it("drops the connection on the first order, which the broker still executes", async () => {
    const sim = await simWith({ type: "disconnect", on: "first-order" });
    const client = await connectClient(sim.port, 1);
    client.ib.placeOrder(1000, vti, market({ orderRef: "folioctl:feedbeef0000:1" }));
    await client.closed();
    expect(client.named(EventName.orderStatus)).toEqual([]);
    expect(sim.orders()).toMatchObject([{ orderId: 1000, status: "Filled" }]);

    // After reconnecting, today's executions and completed orders show the leg.
    const again = await connectClient(sim.port, 1);
    expect(again.named(EventName.nextValidId)).toEqual([[1001]]);
    let since = again.mark();
    again.ib.reqExecutions(1, {});
    await again.waitFor(EventName.execDetailsEnd, { since });
    expect(
      again.named(EventName.execDetails, since).map((a) => (a[2] as { orderRef: string }).orderRef),
    ).toEqual(["folioctl:feedbeef0000:1"]);
    since = again.mark();
    again.ib.reqCompletedOrders(true);
    await again.waitFor(EventName.completedOrdersEnd, { since });
    expect(again.named(EventName.completedOrder, since).map((a) => (a[1] as Order).orderRef)).toEqual([
      "folioctl:feedbeef0000:1",
    ]);
  });

  it("drops the connection on the first fill, before the client hears of it", async () => {
    const sim = await simWith({ type: "disconnect", on: "first-fill" });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, market({ orderType: OrderType.LMT, lmtPrice: 249 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Submitted" });
    sim.setQuote(VTI, { ask: 248.99 });
    await client.closed();
    expect(client.named(EventName.execDetails, since)).toEqual([]);
    expect(sim.executions()).toMatchObject([{ orderId: 1000, price: 248.99 }]);
  });
});

describe("fault script: orders", () => {
  it("rejects orders for a symbol with 201 and leaves other symbols alone", async () => {
    const sim = await simWith({ type: "reject", symbol: "VNQ", reason: "insufficient buying power" });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, { conId: VNQ, exchange: "SMART" }, market());
    client.ib.placeOrder(1001, vti, market());
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 && a[1] === "Filled" });
    expect(client.errors(since)).toEqual([
      { id: 1000, code: 201, message: "Order rejected - reason:insufficient buying power" },
    ]);
    expect(
      client
        .named(EventName.orderStatus, since)
        .filter((a) => a[0] === 1000)
        .map((a) => a[1]),
    ).toEqual(["Inactive"]);
    expect(sim.orders().map((o) => o.status)).toEqual(["Inactive", "Filled"]);
  });

  it("rejects only as many times as told", async () => {
    const sim = await simWith({ type: "reject", symbol: "VTI", times: 1 });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, market());
    client.ib.placeOrder(1001, vti, market());
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 && a[1] === "Filled" });
    expect(client.errors(since).map((e) => [e.id, e.code])).toEqual([[1000, 201]]);
  });

  it("fills a fraction first and the rest after a delay", async () => {
    const sim = await simWith({ type: "partial-fill", symbol: "VTI", fraction: 0.3, restAfterMs: 100 });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, market());
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    const fills = client
      .named(EventName.execDetails, since)
      .map((a) => a[2] as { shares: number; cumQty: number });
    expect(fills.map((f) => [f.shares, f.cumQty])).toEqual([
      [3, 3],
      [7, 10],
    ]);
    const statuses = client.named(EventName.orderStatus, since).map((a) => [a[1], a[2], a[3]]);
    expect(statuses).toContainEqual(["Submitted", 3, 7]);
    // The 1.00 minimum is charged once per order, split across its executions.
    const commissions = client
      .named(EventName.commissionReport, since)
      .map((a) => (a[0] as { commission: number }).commission);
    expect(commissions).toEqual([1, 0]);
  });

  it("fills a fraction and never the rest; the remainder can be cancelled", async () => {
    const sim = await simWith({ type: "partial-fill", fraction: 0.5 });
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, { conId: BND, exchange: "SMART" }, market({ action: OrderAction.SELL }));
    await client.waitFor(EventName.commissionReport, { since });
    await barrier(client);
    expect(sim.orders()[0]).toMatchObject({ status: "Submitted", filled: 5, remaining: 5, done: false });
    since = client.mark();
    client.ib.cancelOrder(1000);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Cancelled" });
    expect(sim.orders()[0]).toMatchObject({ status: "Cancelled", filled: 5 });
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === BND)?.quantity).toBe(45);
  });
});

describe("fault script: withheld end messages", () => {
  const cases: [string, (c: IbTestClient) => void, string, string][] = [
    [
      "ACCOUNT_SUMMARY_END",
      (c) => c.ib.reqAccountSummary(1, "All", "NetLiquidation"),
      EventName.accountSummary,
      EventName.accountSummaryEnd,
    ],
    ["POSITION_END", (c) => c.ib.reqPositions(), EventName.position, EventName.positionEnd],
    [
      "CONTRACT_DATA_END",
      (c) => c.ib.reqContractDetails(2, { conId: VTI }),
      EventName.contractDetails,
      EventName.contractDetailsEnd,
    ],
    [
      "TICK_SNAPSHOT_END",
      (c) =>
        c.ib.reqMktData(
          3,
          { conId: VTI, exchange: "SMART", symbol: "VTI", secType: SecType.STK, currency: "USD" },
          "",
          true,
          false,
        ),
      EventName.tickPrice,
      EventName.tickSnapshotEnd,
    ],
    ["EXECUTION_DATA_END", (c) => c.ib.reqExecutions(4, {}), EventName.execDetails, EventName.execDetailsEnd],
    ["OPEN_ORDER_END", (c) => c.ib.reqAllOpenOrders(), EventName.openOrder, EventName.openOrderEnd],
    [
      "COMPLETED_ORDERS_END",
      (c) => c.ib.reqCompletedOrders(false),
      EventName.completedOrder,
      EventName.completedOrdersEnd,
    ],
  ];

  it.each(cases)(
    "withholds %s: the data comes, the end never does",
    async (message, request, dataEvent, endEvent) => {
      const sim = await startTestSim();
      const client = await connectClient(sim.port, 1);
      // Something to list: one filled order and one resting order.
      let since = client.mark();
      client.ib.placeOrder(1000, vti, market());
      client.ib.placeOrder(1001, vti, market({ orderType: OrderType.LMT, lmtPrice: 1 }));
      await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 });
      sim.injectFault({ type: "withhold", message: message as "POSITION_END" });
      since = client.mark();
      request(client);
      await client.waitFor(dataEvent, { since });
      await barrier(client);
      expect(client.named(endEvent, since)).toEqual([]);
      expect(sim.firedFaults().map((f) => f.detail)).toEqual([message]);
    },
  );

  it("withholds NEXT_VALID_ID, so the client never becomes ready", async () => {
    const sim = await simWith({ type: "withhold", message: "NEXT_VALID_ID", times: 1 });
    const { IbTestClient: Client } = await import("./support/ib-test-client.js");
    const client = new Client(sim.port, 1);
    client.ib.connect(1);
    await client.waitFor(EventName.managedAccounts);
    await client.waitFor(EventName.info, { where: (a) => a[1] === 2158 });
    expect(client.named(EventName.nextValidId)).toEqual([]);
    // The next connection gets it: the fault fired once.
    expect(await (await connectClient(sim.port, 2)).named(EventName.nextValidId)).toEqual([[1000]]);
  });
});

describe("fault script: connectivity and delays", () => {
  it("sends 1100, holds requests and answers them after 1102", async () => {
    const sim = await simWith({ type: "connectivity-lost", afterMessages: 2, restoreAfterMs: 150 });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqCurrentTime(); // message 2: answered, then connectivity is lost
    await client.waitFor(EventName.info, { since, where: (a) => a[1] === 1100 });
    client.ib.reqPositions(); // waits for the restore
    await client.waitFor(EventName.positionEnd, { since });
    expect(flow(client, since).filter((n) => n !== EventName.position)).toEqual([
      EventName.currentTime,
      "info 1100",
      "info 1102",
      EventName.positionEnd,
    ]);
  });

  it("restores with 1101 (data lost): market data lines are gone", async () => {
    const sim = await simWith({
      type: "connectivity-lost",
      afterMessages: 3,
      restoreAfterMs: 50,
      restore: 1101,
    });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqMarketDataType(1); // message 2
    client.ib.reqMktData(9, { conId: VTI, exchange: "SMART" }, "", false, false); // message 3
    await client.waitFor(EventName.info, { since, where: (a) => a[1] === 1101 });
    const after = client.mark();
    sim.setQuote(VTI, { bid: 260 });
    await barrier(client);
    expect(client.named(EventName.tickPrice, after)).toEqual([]);
  });

  it("delays the named messages and keeps the order of everything after them", async () => {
    const sim = await simWith({ type: "delay", ms: 150, messages: ["CONTRACT_DATA_END"] });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqContractDetails(1, { conId: VTI });
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
    expect(flow(client, since)).toEqual([
      EventName.contractDetails,
      EventName.contractDetailsEnd,
      EventName.currentTime,
    ]);
  });
});

describe("fault script: validation", () => {
  it("refuses an invalid fault injected at run time", async () => {
    const sim = await startTestSim();
    expect(() => sim.injectFault({ type: "partial-fill", fraction: 2 })).toThrow(InputError);
    expect(() => sim.injectFault({ type: "disconnect" })).toThrow(/exactly one of afterMessages or on/);
    expect(() => sim.injectFault({ type: "withhold", message: "NOPE" } as unknown as Fault)).toThrow(
      InputError,
    );
    expect(sim.faults()).toEqual([]);
  });

  it("says which field of an injected fault is wrong, what was written and how to fix it", async () => {
    const sim = await startTestSim();
    expect(() => sim.injectFault({ type: "partial-fill", symbol: "VTI", fraction: 2 })).toThrow(
      "invalid fault: fault.fraction: must be less than 1 (got 2) (write a number less than 1)",
    );
    expect(() => sim.injectFault({ type: "reject", symbol: "VNQ", reasn: "x" } as unknown as Fault)).toThrow(
      "invalid fault: fault.reasn: unknown key `reasn` (remove it, or check its spelling against schema/sim-state.schema.json)",
    );
    expect(sim.faults()).toEqual([]);
  });
});
