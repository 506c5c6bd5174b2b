import type { Contract, Order } from "@stoqey/ib";
import { EventName, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { bnd, order, vnq, vti } from "./support/test-orders.js";
import { ACCOUNT, BND, SHOP_CAD, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

describe("placing orders", () => {
  it("fills a market buy at the ask: execDetails, Filled status, openOrder and commission, with orderRef echoed", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderRef: "folioctl:abc:1" }));
    const commission = await client.waitFor(EventName.commissionReport, { since });

    const exec = client.named(EventName.execDetails, since)[0] as [number, Contract, Record<string, unknown>];
    expect(exec[0]).toBe(-1);
    expect(exec[1]).toMatchObject({ conId: VTI, symbol: "VTI" });
    expect(exec[2]).toMatchObject({
      orderId: 1000,
      side: "BOT",
      shares: 10,
      price: 250.05,
      orderRef: "folioctl:abc:1",
      acctNumber: ACCOUNT,
      clientId: 1,
    });
    expect(exec[2]["permId"]).toBeGreaterThan(0);
    // 10 shares x 0.005 = 0.05, raised to the 1.00 minimum.
    expect(commission.args[0]).toMatchObject({ execId: exec[2]["execId"], commission: 1, currency: "USD" });
    const statuses = client.named(EventName.orderStatus, since).map((a) => a[1]);
    expect(statuses[0]).toBe("Submitted");
    expect(statuses.at(-1)).toBe("Filled");
    const filled = client.named(EventName.orderStatus, since).at(-1) as unknown[];
    expect(filled.slice(0, 5)).toEqual([1000, "Filled", 10, 0, 250.05]);
    const open = client.named(EventName.openOrder, since).at(-1) as [
      number,
      Contract,
      Order,
      { status: string },
    ];
    expect(open[0]).toBe(1000);
    expect(open[2]).toMatchObject({
      orderRef: "folioctl:abc:1",
      account: ACCOUNT,
      totalQuantity: 10,
      clientId: 1,
    });
    expect(open[3].status).toBe("Filled");

    const account = sim.account(ACCOUNT);
    expect(account.positions.find((p) => p.conId === VTI)?.quantity).toBe(110);
    expect(account.cash["USD"]).toBeCloseTo(25000 - 10 * 250.05 - 1, 6);
    expect(sim.orders()).toMatchObject([
      { orderId: 1000, orderRef: "folioctl:abc:1", quantity: 10, status: "Filled", clientId: 1 },
    ]);
    expect(sim.executions()).toMatchObject([{ orderId: 1000, shares: 10, price: 250.05, commission: 1 }]);
  });

  it("fills a market sell at the bid, realises P&L and caps commission at 1% of value", async () => {
    const sim = await startTestSim();
    sim.setQuote(BND, { bid: 1.5, ask: 1.52, last: 1.51 });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(
      1000,
      { conId: BND, exchange: "SMART" },
      order({ action: OrderAction.SELL, totalQuantity: 20 }),
    );
    const report = await client.waitFor(EventName.commissionReport, { since });
    // 20 x 1.50 = 30.00 of value: 1% is 0.30, below the 1.00 minimum, and the cap wins.
    expect(report.args[0]).toMatchObject({ commission: 0.3 });
    expect((report.args[0] as { realizedPNL: number }).realizedPNL).toBeCloseTo((1.5 - 71.2) * 20 - 0.3, 6);
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === BND)?.quantity).toBe(30);
  });

  it("charges 0.005 per share above the minimum", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    // 250 x 88.42 = 22,105: within the account's 25,000 of cash.
    client.ib.placeOrder(1000, vnq, order({ totalQuantity: 250 }));
    const report = await client.waitFor(EventName.commissionReport, { since });
    expect(report.args[0]).toMatchObject({ commission: 1.25 });
    const exec = client.named(EventName.execDetails, since)[0] as [number, Contract, { price: number }];
    expect(exec[2].price).toBe(88.42);
  });

  it("fills a marketable limit order at the touch and rests a non-marketable one until the quote moves", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 251 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 && a[1] === "Filled" });
    const exec = client.named(EventName.execDetails, since)[0] as [number, Contract, { price: number }];
    expect(exec[2].price).toBe(250.05);

    since = client.mark();
    client.ib.placeOrder(1001, vti, order({ orderType: OrderType.LMT, lmtPrice: 249, orderRef: "rest" }));
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1001 && a[1] === "Submitted",
    });
    expect(sim.orders()[1]).toMatchObject({ status: "Submitted", filled: 0, remaining: 10 });

    since = client.mark();
    sim.setQuote(VTI, { bid: 248.9, ask: 248.98 });
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 && a[1] === "Filled" });
    const second = client.named(EventName.execDetails, since)[0] as [number, Contract, { price: number }];
    expect(second[2].price).toBe(248.98);
  });

  it("keeps an order with transmit unset at the gateway, unsent and unfilled, until it is transmitted", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    const { transmit: _unset, ...untransmitted } = order({});
    client.ib.placeOrder(1000, vti, untransmitted);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 });
    expect(client.named(EventName.orderStatus, since).map((a) => a[1])).toEqual(["Inactive"]);
    expect(sim.orders()[0]).toMatchObject({ transmit: false, filled: 0, done: false });
    expect(sim.executions()).toEqual([]);

    since = client.mark();
    client.ib.placeOrder(1000, vti, order({}));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    expect(sim.executions()).toHaveLength(1);
  });

  it("cancels a resting order with PendingCancel, error 202 and Cancelled", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 200 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Submitted" });
    since = client.mark();
    client.ib.cancelOrder(1000);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Cancelled" });
    expect(client.named(EventName.orderStatus, since).map((a) => a[1])).toEqual([
      "PendingCancel",
      "Cancelled",
    ]);
    expect(client.errors(since)).toMatchObject([{ id: 1000, code: 202 }]);
    expect(sim.orders()[0]).toMatchObject({ status: "Cancelled", done: true });
  });

  it("answers 10147 for an unknown order id and 10148 for a filled one", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.cancelOrder(4242);
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 10147 });
    expect(client.errors(since)).toMatchObject([{ id: 4242, code: 10147 }]);

    client.ib.placeOrder(1000, vti, order({}));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    since = client.mark();
    client.ib.cancelOrder(1000);
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 10148 });
  });

  it("refuses a reused order id with 103 and places nothing", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, vti, order({}));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderRef: "again" }));
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 103 });
    client.ib.placeOrder(999, vti, order({ orderRef: "lower" }));
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 103 && a[2] === 999 });
    expect(sim.executions()).toHaveLength(1);
    expect(sim.orders()).toHaveLength(1);
  });

  it("rejects an order for an unknown contract with 200 and an unsupported order type with 201", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(
      1000,
      { symbol: "NOPE", secType: SecType.STK, exchange: "SMART", currency: "USD" },
      order({}),
    );
    client.ib.placeOrder(1001, vti, order({ orderType: OrderType.STP, auxPrice: 240 }));
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 201 });
    expect(client.errors(since).map((e) => [e.id, e.code])).toEqual([
      [1000, 200],
      [1001, 201],
    ]);
    expect(sim.orders().map((o) => o.status)).toEqual(["Inactive", "Inactive"]);
    expect(sim.executions()).toEqual([]);
  });

  it("modifies a working order placed again with the same id, and refuses a change of contract with 105", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 249, totalQuantity: 10 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Submitted" });
    since = client.mark();
    client.ib.placeOrder(1000, vnq, order({ orderType: OrderType.LMT, lmtPrice: 90 }));
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 105 });
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 250.05, totalQuantity: 6 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    expect(sim.orders()).toMatchObject([
      { orderId: 1000, quantity: 6, lmtPrice: 250.05, filled: 6, status: "Filled" },
    ]);
  });

  it("trades a CAD listing against CAD cash and charges commission in CAD", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, { conId: SHOP_CAD, exchange: "SMART" }, order({ totalQuantity: 5 }));
    const report = await client.waitFor(EventName.commissionReport, { since });
    expect(report.args[0]).toMatchObject({ currency: "CAD", commission: 1 });
    const cash = sim.account(ACCOUNT).cash;
    expect(cash["CAD"]).toBeCloseTo(1000 - 5 * 152.3 - 1, 6);
    expect(cash["USD"]).toBe(25000);
  });

  it("reports nextValidId above every id used, on reconnect and on reqIds", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1500, vti, order({}));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    client.ib.reqIds(1);
    const next = await client.waitFor(EventName.nextValidId, { since });
    expect(next.args[0]).toBe(1501);
    const other = await connectClient(sim.port, 2);
    expect(other.named(EventName.nextValidId)[0]).toEqual([1501]);
  });
});

describe("order lists and executions", () => {
  it("lists this client's open orders, all clients' open orders, completed orders and executions with their end messages", async () => {
    const sim = await startTestSim();
    const a = await connectClient(sim.port, 1);
    const b = await connectClient(sim.port, 2);
    let since = a.mark();
    a.ib.placeOrder(1000, vti, order({ orderRef: "a-filled" }));
    a.ib.placeOrder(1001, vti, order({ orderType: OrderType.LMT, lmtPrice: 200, orderRef: "a-resting" }));
    await a.waitFor(EventName.orderStatus, { since, where: (x) => x[0] === 1001 && x[1] === "Submitted" });
    const sinceB = b.mark();
    b.ib.placeOrder(1002, vnq, order({ orderType: OrderType.LMT, lmtPrice: 80, orderRef: "b-resting" }));
    await b.waitFor(EventName.orderStatus, { since: sinceB, where: (x) => x[0] === 1002 });

    since = a.mark();
    a.ib.reqOpenOrders();
    await a.waitFor(EventName.openOrderEnd, { since });
    expect(a.named(EventName.openOrder, since).map((x) => (x[2] as Order).orderRef)).toEqual(["a-resting"]);

    since = a.mark();
    a.ib.reqAllOpenOrders();
    await a.waitFor(EventName.openOrderEnd, { since });
    expect(a.named(EventName.openOrder, since).map((x) => (x[2] as Order).orderRef)).toEqual([
      "a-resting",
      "b-resting",
    ]);
    expect(a.named(EventName.orderStatus, since).map((x) => x[0])).toEqual([1001, 1002]);

    since = a.mark();
    a.ib.reqCompletedOrders(false);
    await a.waitFor(EventName.completedOrdersEnd, { since });
    const completed = a.named(EventName.completedOrder, since) as [
      Contract,
      Order,
      { status: string; completedStatus: string },
    ][];
    expect(
      completed.map(([c, o, s]) => [c.symbol, o.orderRef, o.permId! > 0, s.status, o.filledQuantity]),
    ).toEqual([["VTI", "a-filled", true, "Filled", 10]]);

    since = a.mark();
    a.ib.reqExecutions(77, {});
    await a.waitFor(EventName.execDetailsEnd, { since });
    const execs = a.named(EventName.execDetails, since) as [
      number,
      Contract,
      { orderRef: string; execId: string },
    ][];
    expect(execs.map(([reqId, , e]) => [reqId, e.orderRef])).toEqual([[77, "a-filled"]]);
    const reports = a.named(EventName.commissionReport, since) as [{ execId: string }][];
    expect(reports.map(([r]) => r.execId)).toEqual([execs[0]?.[2].execId]);
    expect(a.named(EventName.execDetailsEnd, since)).toEqual([[77]]);
  });

  it("filters executions by symbol, side, account and time", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderRef: "buy-vti" }));
    // BND, which the account holds: a cash account cannot sell what it does not have.
    client.ib.placeOrder(1001, bnd, order({ action: OrderAction.SELL, orderRef: "sell-bnd" }));
    await client.waitFor(EventName.orderStatus, { since, where: (x) => x[0] === 1001 && x[1] === "Filled" });
    const run = async (reqId: number, filter: Record<string, string | number>): Promise<string[]> => {
      since = client.mark();
      client.ib.reqExecutions(reqId, filter);
      await client.waitFor(EventName.execDetailsEnd, { since });
      return client.named(EventName.execDetails, since).map((x) => (x[2] as { orderRef: string }).orderRef);
    };
    expect(await run(1, { symbol: "BND" })).toEqual(["sell-bnd"]);
    expect(await run(2, { side: "BUY" })).toEqual(["buy-vti"]);
    expect(await run(3, { acctCode: "DU0000000" })).toEqual([]);
    expect(await run(4, { time: "20000101-00:00:00" })).toEqual(["buy-vti", "sell-bnd"]);
    expect(await run(5, { time: "29990101-00:00:00" })).toEqual([]);
    expect(await run(6, { clientId: 2 })).toEqual([]);
  });

  it("cancels every open order on a global cancel", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 200 }));
    client.ib.placeOrder(1001, vnq, order({ orderType: OrderType.LMT, lmtPrice: 80 }));
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (x) => x[0] === 1001 && x[1] === "Submitted",
    });
    client.ib.reqGlobalCancel();
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (x) => x[0] === 1001 && x[1] === "Cancelled",
    });
    expect(sim.orders().map((o) => o.status)).toEqual(["Cancelled", "Cancelled"]);
  });
});
