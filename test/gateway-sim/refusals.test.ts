// What a real cash account refuses, through the unmodified @stoqey/ib client: buys beyond the cash in
// the order's currency (open buy orders count), short sales, prices off the tick, quantities that are
// not positive multiples of the size increment. A refused order fills nothing and moves no cash.
import type { Contract, Order } from "@stoqey/ib";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { bnd, order, vnq, vti } from "./support/test-orders.js";
import { ACCOUNT, BND, SHOP_CAD, testState, VNQ } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

/** Places an order and resolves with the error it was refused with (or fails on a fill). */
async function refusal(client: IbTestClient, orderId: number, contract: Contract, o: Order) {
  const since = client.mark();
  client.ib.placeOrder(orderId, contract, o);
  const event = await client.waitFor(EventName.error, { since, where: (a) => a[2] === orderId });
  expect(client.named(EventName.execDetails, since)).toEqual([]);
  return { code: event.args[1] as number, message: (event.args[0] as Error).message };
}

describe("a cash account's funds", () => {
  it("refuses a buy that costs more than the cash with 201 in IB's words; nothing fills and the cash stays", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    // 1000 x 250.05 + 5.00 commission against 25,000 USD.
    const refused = await refusal(client, 1000, vti, order({ totalQuantity: 1000 }));
    expect(refused).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 25000.00 USD " +
        "Cash needed for this order and other pending orders: <br>250055.00 USD",
    });
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 });
    expect(client.named(EventName.orderStatus, since).map((a) => a[1])).toEqual(["Inactive"]);
    expect(sim.orders()).toMatchObject([{ orderId: 1000, status: "Inactive", done: true, filled: 0 }]);
    expect(sim.executions()).toEqual([]);
    expect(sim.account(ACCOUNT).cash["USD"]).toBe(25000);
  });

  it("counts open buy orders, at their limit, against the cash; cancelling one frees it", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    // Rests below the ask and holds 80 x 249.00 + 1.00 = 19,921.00 of the 25,000.
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 249, totalQuantity: 80 }));
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1000 && a[1] === "Submitted",
    });
    // 60 x 88.42 + 1.00 = 5,306.20 more: 25,227.20 in all.
    const refused = await refusal(client, 1001, vnq, order({ totalQuantity: 60 }));
    expect(refused.code).toBe(201);
    expect(refused.message).toBe(
      "Order rejected - reason:Available settled cash: 25000.00 USD " +
        "Cash needed for this order and other pending orders: <br>25227.20 USD",
    );

    since = client.mark();
    client.ib.cancelOrder(1000);
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1000 && a[1] === "Cancelled",
    });
    client.ib.placeOrder(1002, vnq, order({ totalQuantity: 60 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1002 && a[1] === "Filled" });
    expect(sim.account(ACCOUNT).cash["USD"]).toBeCloseTo(25000 - 60 * 88.42 - 1, 6);
  });

  it("charges a partly filled order's remainder no second minimum commission", async () => {
    const state = testState();
    state.faults = [{ type: "partial-fill", symbol: "VNQ", fraction: 0.5 }];
    const sim = await startTestSim({ state });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    // 50 of 100 VNQ fill at 88.42 for the order's 1.00 minimum; the other 50 stay open, their commission
    // already paid (100 x 0.005 is below the minimum).
    client.ib.placeOrder(1000, vnq, order({ totalQuantity: 100 }));
    await client.waitFor(EventName.commissionReport, { since });
    const cash = 25000 - 50 * 88.42 - 1;
    // 100 x 250 + 1.00 for VTI, and 50 x 88.42 for the open remainder.
    const refused = await refusal(
      client,
      1001,
      vti,
      order({ orderType: OrderType.LMT, lmtPrice: 250, totalQuantity: 100 }),
    );
    expect(refused.message).toBe(
      `Order rejected - reason:Available settled cash: ${cash.toFixed(2)} USD ` +
        `Cash needed for this order and other pending orders: <br>${(100 * 250 + 1 + 50 * 88.42).toFixed(2)} USD`,
    );
  });

  it("refuses a market order for a contract with no price at all, instead of letting it wait unchecked", async () => {
    const state = testState();
    delete state.quotes?.[String(VNQ)];
    const sim = await startTestSim({ state });
    const client = await connectClient(sim.port, 1);
    const refused = await refusal(client, 1000, vnq, order({ totalQuantity: 1000 }));
    expect(refused).toEqual({
      code: 201,
      message:
        "Order rejected - reason:No market price is available for VNQ to check this MKT order against the account's funds",
    });
    expect(sim.orders()).toMatchObject([{ orderId: 1000, status: "Inactive", done: true, filled: 0 }]);
  });

  it("pays for a CAD listing only with CAD cash, whatever the USD balance", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    // 10 x 152.30 + 1.00 against 1,000 CAD; the 25,000 USD are not converted.
    const refused = await refusal(client, 1000, { conId: SHOP_CAD, exchange: "SMART" }, order({}));
    expect(refused).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 1000.00 CAD " +
        "Cash needed for this order and other pending orders: <br>1524.00 CAD",
    });
    expect(sim.account(ACCOUNT).cash).toEqual({ USD: 25000, CAD: 1000 });
  });
});

describe("short sales in a cash account", () => {
  it("refuses selling more than is held with 201, counting open sell orders", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const short = "Order rejected - reason:Short stock positions can only be held in a margin account";
    // The account holds 50 BND and no VNQ.
    expect(await refusal(client, 1000, vnq, order({ action: OrderAction.SELL }))).toEqual({
      code: 201,
      message: short,
    });
    expect(await refusal(client, 1001, bnd, order({ action: OrderAction.SELL, totalQuantity: 51 }))).toEqual({
      code: 201,
      message: short,
    });

    const since = client.mark();
    const resting = order({
      action: OrderAction.SELL,
      totalQuantity: 30,
      orderType: OrderType.LMT,
      lmtPrice: 80,
    });
    client.ib.placeOrder(1002, bnd, resting);
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1002 && a[1] === "Submitted",
    });
    expect(await refusal(client, 1003, bnd, order({ action: OrderAction.SELL, totalQuantity: 21 }))).toEqual({
      code: 201,
      message: short,
    });
    client.ib.placeOrder(1004, bnd, order({ action: OrderAction.SELL, totalQuantity: 20 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1004 && a[1] === "Filled" });
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === BND)?.quantity).toBe(30);
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === VNQ)).toBeUndefined();
  });
});

describe("prices and quantities", () => {
  it("refuses a limit price off the minimum tick with error 110, also when a working order is modified", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const off = order({ orderType: OrderType.LMT, lmtPrice: 80.003 });
    expect(await refusal(client, 1000, vnq, off)).toEqual({
      code: 110,
      message: "The price does not conform to the minimum price variation for this contract.",
    });
    expect(sim.orders()).toMatchObject([{ orderId: 1000, status: "Inactive", done: true }]);

    let since = client.mark();
    client.ib.placeOrder(1001, vnq, order({ orderType: OrderType.LMT, lmtPrice: 80.01 }));
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1001 && a[1] === "Submitted",
    });
    since = client.mark();
    client.ib.placeOrder(1001, vnq, order({ orderType: OrderType.LMT, lmtPrice: 80.015 }));
    await client.waitFor(EventName.error, { since, where: (a) => a[2] === 1001 && a[1] === 110 });
    expect(sim.orders()[1]).toMatchObject({ orderId: 1001, lmtPrice: 80.01, status: "Submitted" });
  });

  it("refuses a quantity that is zero, negative or not a multiple of the size increment with 201", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    for (const [orderId, totalQuantity] of [
      [1000, 0],
      [1001, -5],
      [1002, 2.5],
    ] as const) {
      const refused = await refusal(client, orderId, vti, order({ totalQuantity }));
      expect(refused.code, `quantity ${totalQuantity}`).toBe(201);
    }
    expect(sim.executions()).toEqual([]);
    expect(sim.orders().map((o) => o.status)).toEqual(["Inactive", "Inactive", "Inactive"]);
  });
});
