import { afterEach, describe, expect, it } from "vitest";
import { BrokerError, TimeoutError } from "../../src/errors.js";
import type { BrokerEvent } from "../../src/broker/broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND, SHOP_CAD, SHOP_USD, VTI, testState } from "../gateway-sim/support/test-state.js";
import { closeBrokers, connectBroker, makeBroker } from "./support/connect-broker.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

describe("IbBroker against the gateway simulator", () => {
  it("connects, waits for the gateway to be ready and reports the managed accounts", async () => {
    const sim = await startTestSim();
    const broker = makeBroker(sim);
    const session = await broker.connect();
    expect(session.managedAccounts).toEqual([ACCOUNT]);
    expect(session.serverVersion).toBe(193);
  });

  it("names the fix when the client id is taken", async () => {
    const sim = await startTestSim();
    await connectBroker(sim, { clientId: 7 });
    const second = makeBroker(sim, { clientId: 7 });
    await expect(second.connect()).rejects.toThrow(/client id 7: it is already in use/);
  });

  it("fails with a clear error, not a hang, when nothing listens", async () => {
    const sim = await startTestSim();
    const port = sim.port;
    await stopSims();
    const broker = makeBroker({ host: "127.0.0.1", port } as never, { timeoutMs: 2_000 });
    const error = await broker.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    // The address is a secret of the workflows: the message names the setting and the socket's error code.
    expect((error as BrokerError).message).toBe(
      "cannot connect to the IB Gateway (FOLIOCTL_GATEWAY): nothing accepts connections there (ECONNREFUSED)",
    );
    expect((error as BrokerError).message).not.toContain(String(port));
  });

  it("reads cash per currency, exchange rates and net liquidation", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const values = await broker.accountValues(ACCOUNT);
    expect(values.baseCurrency).toBe("USD");
    expect(values.cash).toEqual({ USD: 25000, CAD: 1000 });
    expect(values.exchangeRates).toMatchObject({ USD: 1, CAD: 0.72 });
    // 100 VTI at the 250.00 mid, 50 BND at 72.50, 25,000 USD and 1,000 CAD at 0.72.
    expect(values.netLiquidation).toBeCloseTo(25000 + 3625 + 25000 + 720, 0);
  });

  it("reads the account's positions", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const positions = await broker.positions(ACCOUNT);
    expect(positions.map((p) => [p.symbol, p.quantity])).toEqual([
      ["VTI", 100],
      ["BND", 50],
    ]);
    expect(positions.find((p) => p.conId === VTI)?.avgCost).toBe(210.5);
  });

  it("finds contracts by conId and by symbol, both listings of a symbol, and none with an empty list", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const [vti] = await broker.contractDetails({ conId: VTI, secType: "", exchange: "" });
    expect(vti).toMatchObject({
      conId: VTI,
      symbol: "VTI",
      currency: "USD",
      primaryExchange: "ARCA",
      minTick: 0.01,
    });
    const shop = await broker.contractDetails({ symbol: "SHOP", secType: "STK", exchange: "SMART" });
    expect(shop.map((c) => c.conId).sort()).toEqual([SHOP_USD, SHOP_CAD].sort());
    const cad = await broker.contractDetails({
      symbol: "SHOP",
      secType: "STK",
      exchange: "SMART",
      currency: "CAD",
    });
    expect(cad.map((c) => c.conId)).toEqual([SHOP_CAD]);
    expect(await broker.contractDetails({ symbol: "NOPE", secType: "STK", exchange: "SMART" })).toEqual([]);
  });

  it("takes live quotes, and falls back to delayed data it marks as delayed", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const contracts = await broker.contractDetails({ conId: VTI, secType: "", exchange: "" });
    const [live] = await broker.quotes(contracts);
    expect(live).toMatchObject({
      conId: VTI,
      bid: 249.95,
      ask: 250.05,
      last: 250,
      close: 248.1,
      delayed: false,
    });

    sim.setMarketData("delayed");
    const [delayed] = await broker.quotes(contracts);
    expect(delayed).toMatchObject({ conId: VTI, delayed: true });
    expect(delayed?.bid ?? delayed?.last ?? delayed?.close).toBeGreaterThan(0);

    sim.setMarketData("none");
    await expect(broker.quotes(contracts)).rejects.toThrow(/no market data for VTI/);
  });

  it("places a market order, reports its fill and commission, and lists it afterwards", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const events: BrokerEvent[] = [];
    broker.subscribe((e) => events.push(e));
    const [bnd] = await broker.contractDetails({ conId: BND, secType: "", exchange: "" });
    const { orderId } = await broker.placeOrder({
      account: ACCOUNT,
      contract: bnd!,
      side: "BUY",
      quantity: 10,
      orderType: "MKT",
      orderRef: "folioctl:abcdefabcdef:B1",
    });
    await expect
      .poll(() => events.some((e) => e.kind === "order-status" && e.order.status === "Filled"))
      .toBe(true);
    const fill = events.find((e) => e.kind === "execution");
    expect(fill).toMatchObject({
      execution: { orderId, shares: 10, price: 72.52, side: "BUY", orderRef: "folioctl:abcdefabcdef:B1" },
    });

    const executions = await broker.executions(ACCOUNT);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ orderRef: "folioctl:abcdefabcdef:B1", shares: 10, commission: 1 });
    const completed = await broker.completedOrders();
    expect(completed.map((o) => [o.orderRef, o.status])).toContainEqual([
      "folioctl:abcdefabcdef:B1",
      "Filled",
    ]);
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === BND)?.quantity).toBe(60);
  });

  it("keeps a non-marketable limit order open, lists it, and cancels it", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const [vti] = await broker.contractDetails({ conId: VTI, secType: "", exchange: "" });
    const { orderId } = await broker.placeOrder({
      account: ACCOUNT,
      contract: vti!,
      side: "BUY",
      quantity: 1,
      orderType: "LMT",
      limitPrice: 200,
      orderRef: "folioctl:abcdefabcdef:B2",
    });
    const open = await broker.openOrders();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      orderId,
      orderRef: "folioctl:abcdefabcdef:B2",
      limitPrice: 200,
      quantity: 1,
      filled: 0,
    });
    await broker.cancelOrder(orderId);
    expect(await broker.openOrders()).toEqual([]);
    await expect(broker.cancelOrder(987654)).rejects.toThrow(/10147/);
  });

  it("rejects the placement with IB's reason when the gateway rejects the order", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "reject", symbol: "VTI", reason: "size exceeds the precautionary limit" });
    const broker = await connectBroker(sim);
    const [vti] = await broker.contractDetails({ conId: VTI, secType: "", exchange: "" });
    const error = await broker
      .placeOrder({
        account: ACCOUNT,
        contract: vti!,
        side: "SELL",
        quantity: 5,
        orderType: "MKT",
        orderRef: "folioctl:abcdefabcdef:S1",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).code).toBe(201);
    expect((error as BrokerError).message).toMatch(/precautionary/);
  });

  it("lists rejected and cancelled orders as completed, by orderRef and permId: IB sends no order id", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "reject", symbol: "VTI", reason: "no trading permission" });
    const broker = await connectBroker(sim);
    const [vti] = await broker.contractDetails({ conId: VTI, secType: "", exchange: "" });
    const [bnd] = await broker.contractDetails({ conId: BND, secType: "", exchange: "" });
    const order = { account: ACCOUNT, side: "BUY", quantity: 1, orderType: "LMT", limitPrice: 50 } as const;
    await broker
      .placeOrder({ ...order, contract: vti!, orderRef: "folioctl:abcdefabcdef:B1" })
      .catch(() => 0);
    const { orderId } = await broker.placeOrder({
      ...order,
      contract: bnd!,
      orderRef: "folioctl:abcdefabcdef:B2",
    });
    await broker.cancelOrder(orderId);

    // Another client, as a re-run is: it sees both, with the permId the gateway gave each.
    const completed = await (await connectBroker(sim)).completedOrders();
    const permId = (ref: string) => sim.orders().find((o) => o.orderRef === ref)!.permId;
    expect(completed).toEqual([
      expect.objectContaining({
        orderId: 0,
        permId: permId("folioctl:abcdefabcdef:B1"),
        orderRef: "folioctl:abcdefabcdef:B1",
        status: "Inactive",
        completedStatus: expect.stringMatching(/^Rejected: .*no trading permission/),
      }),
      expect.objectContaining({
        orderId: 0,
        permId: permId("folioctl:abcdefabcdef:B2"),
        orderRef: "folioctl:abcdefabcdef:B2",
        status: "Cancelled",
        filled: 0,
      }),
    ]);
  });

  it("turns a withheld end message into a timeout that names the request", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "withhold", message: "POSITION_END" });
    const broker = await connectBroker(sim, { timeoutMs: 500 });
    const error = await broker.positions(ACCOUNT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/did not answer the positions of DU1234567 within 500 ms/);
  });

  it("turns a dropped connection into an error, not a hang, and reconnects", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "delay", ms: 2_000, messages: ["ACCOUNT_SUMMARY_END"] });
    const broker = await connectBroker(sim, { clientId: 42 });
    const pending = broker.accountValues(ACCOUNT).catch((e: unknown) => e);
    await expect.poll(() => sim.clients().length).toBe(1);
    sim.disconnectClient(42);
    const error = await pending;
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as Error).message).toMatch(/connection/);
    sim.clearFaults();
    await broker.connect();
    expect((await broker.positions(ACCOUNT)).length).toBe(2);
  });

  it("fetches 500 quotes without crossing IB's pacing limit", async () => {
    const state = testState();
    for (let i = 0; i < 500; i++) {
      const conId = 900_000 + i;
      state.contracts.push({ conId, symbol: `T${i}`, exchange: "SMART", currency: "USD" });
      state.quotes![conId] = { bid: 10 + i / 100, ask: 10.02 + i / 100 };
    }
    const sim = await startTestSim({ state });
    const broker = await connectBroker(sim, { timeoutMs: 30_000 });
    const contracts = state.contracts
      .filter((c) => c.conId >= 900_000 && c.conId < 901_000)
      .map((c) => ({
        conId: c.conId,
        symbol: c.symbol,
        secType: "STK",
        exchange: "SMART",
        currency: "USD",
        minTick: 0.01,
        sizeIncrement: 1,
      }));
    const quotes = await broker.quotes(contracts);
    expect(quotes).toHaveLength(500);
    expect(quotes.every((q) => q.bid !== undefined && q.ask !== undefined)).toBe(true);
    expect(sim.stats().pacingViolations).toBe(0);
  }, 60_000);
});
