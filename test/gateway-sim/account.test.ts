import type { Contract } from "@stoqey/ib";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, BND, VNQ, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

type Row = [number, string, string, string, string];

describe("account summary", () => {
  it("reports NetLiquidation, TotalCashValue and BuyingPower in the base currency, then the end", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountSummary(
      9001,
      "All",
      "AccountType,NetLiquidation,TotalCashValue,BuyingPower,NoSuchTag",
    );
    await client.waitFor(EventName.accountSummaryEnd, { since });
    const rows = client.named(EventName.accountSummary, since) as Row[];
    // 100 VTI at 250.00 + 50 BND at 72.50 + 25000 USD + 1000 CAD at 0.72.
    const netLiq = 100 * 250 + 50 * 72.5 + 25000 + 720;
    expect(rows).toEqual([
      [9001, ACCOUNT, "AccountType", "INDIVIDUAL", ""],
      [9001, ACCOUNT, "NetLiquidation", netLiq.toFixed(2), "USD"],
      [9001, ACCOUNT, "TotalCashValue", "25720.00", "USD"],
      [9001, ACCOUNT, "BuyingPower", "25720.00", "USD"],
    ]);
    expect(client.named(EventName.accountSummaryEnd, since)).toEqual([[9001]]);
    expect(sim.account(ACCOUNT).netLiquidation).toBeCloseTo(netLiq, 6);
  });

  it("gives one ledger per currency and a BASE ledger for $LEDGER:ALL", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountSummary(9002, "All", "$LEDGER:ALL");
    await client.waitFor(EventName.accountSummaryEnd, { since });
    const rows = client.named(EventName.accountSummary, since) as Row[];
    const value = (tag: string, currency: string): string | undefined =>
      rows.find((r) => r[2] === tag && r[4] === currency)?.[3];
    expect([...new Set(rows.map((r) => r[4]))]).toEqual(["USD", "CAD", "BASE"]);
    expect(value("CashBalance", "USD")).toBe("25000.00");
    expect(value("CashBalance", "CAD")).toBe("1000.00");
    expect(value("ExchangeRate", "CAD")).toBe("0.72");
    expect(value("ExchangeRate", "USD")).toBe("1");
    expect(value("NetLiquidationByCurrency", "USD")).toBe((25000 + 25000 + 3625).toFixed(2));
    expect(value("NetLiquidationByCurrency", "CAD")).toBe("1000.00");
    expect(value("CashBalance", "BASE")).toBe("25720.00");
    expect(value("NetLiquidationByCurrency", "BASE")).toBe((25000 + 25000 + 3625 + 720).toFixed(2));
    expect(value("Currency", "CAD")).toBe("CAD");
  });

  it("gives only the BASE ledger for $LEDGER and one currency for $LEDGER:CAD; cancel is silent", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqAccountSummary(1, "All", "$LEDGER");
    await client.waitFor(EventName.accountSummaryEnd, { since });
    expect(new Set((client.named(EventName.accountSummary, since) as Row[]).map((r) => r[4]))).toEqual(
      new Set(["BASE"]),
    );
    since = client.mark();
    client.ib.reqAccountSummary(2, "All", "$LEDGER:CAD");
    await client.waitFor(EventName.accountSummaryEnd, { since });
    expect(new Set((client.named(EventName.accountSummary, since) as Row[]).map((r) => r[4]))).toEqual(
      new Set(["CAD"]),
    );
    client.ib.cancelAccountSummary(1);
    client.ib.cancelAccountSummary(2);
    // The same id may be used again once cancelled.
    since = client.mark();
    client.ib.reqAccountSummary(1, "All", "NetLiquidation");
    await client.waitFor(EventName.accountSummaryEnd, { since });
    expect(client.errors(since)).toEqual([]);
  });

  it("refuses a second summary with an id still open (322)", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountSummary(5, "All", "NetLiquidation");
    client.ib.reqAccountSummary(5, "All", "NetLiquidation");
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 322 });
  });
});

describe("positions", () => {
  it("sends every position with the contract, then POSITION_END", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqPositions();
    await client.waitFor(EventName.positionEnd, { since });
    const rows = client.named(EventName.position, since) as [string, Contract, number, number][];
    expect(
      rows.map(([account, c, qty, cost]) => [account, c.conId, c.symbol, c.secType, c.currency, qty, cost]),
    ).toEqual([
      [ACCOUNT, VTI, "VTI", "STK", "USD", 100, 210.5],
      [ACCOUNT, BND, "BND", "STK", "USD", 50, 71.2],
    ]);
  });

  it("streams position updates after fills until positions are cancelled, including a position going to zero", async () => {
    const sim = await startTestSim();
    const watcher = await connectClient(sim.port, 2);
    const trader = await connectClient(sim.port, 1);
    let since = watcher.mark();
    watcher.ib.reqPositions();
    await watcher.waitFor(EventName.positionEnd, { since });

    since = watcher.mark();
    const order = {
      action: OrderAction.SELL,
      totalQuantity: 50,
      orderType: OrderType.MKT,
      account: ACCOUNT,
      transmit: true,
    };
    trader.ib.placeOrder(1000, { conId: BND, exchange: "SMART" }, order);
    trader.ib.placeOrder(
      1001,
      { conId: VNQ, exchange: "SMART" },
      { ...order, action: OrderAction.BUY, totalQuantity: 7 },
    );
    await watcher.waitFor(EventName.position, { since, where: (a) => (a[1] as Contract).conId === VNQ });
    const updates = watcher.named(EventName.position, since) as [string, Contract, number, number][];
    expect(updates.map(([, c, qty]) => [c.symbol, qty])).toEqual([
      ["BND", 0],
      ["VNQ", 7],
    ]);
    // avgCost carries the commission, as IB's does.
    expect(updates[1]?.[3]).toBeCloseTo(88.42 + 1 / 7, 8);
    expect(watcher.named(EventName.positionEnd, since)).toEqual([]);

    // Messages are handled in order: once the time arrives, the cancel has been handled too.
    watcher.ib.cancelPositions();
    watcher.ib.reqCurrentTime();
    await watcher.waitFor(EventName.currentTime, { since: watcher.mark() });
    since = watcher.mark();
    const tradeSince = trader.mark();
    trader.ib.placeOrder(
      1002,
      { conId: VNQ, exchange: "SMART" },
      { ...order, action: OrderAction.BUY, totalQuantity: 1 },
    );
    await trader.waitFor(EventName.commissionReport, { since: tradeSince });
    // The watcher asks for the current time as a barrier: anything sent before it would have arrived.
    watcher.ib.reqCurrentTime();
    await watcher.waitFor(EventName.currentTime, { since });
    expect(watcher.named(EventName.position, since)).toEqual([]);

    since = watcher.mark();
    watcher.ib.reqPositions();
    await watcher.waitFor(EventName.positionEnd, { since });
    const again = watcher.named(EventName.position, since) as [string, Contract, number][];
    expect(again.map(([, c, qty]) => [c.symbol, qty])).toEqual([
      ["VTI", 100],
      ["BND", 0],
      ["VNQ", 8],
    ]);
  });
});
