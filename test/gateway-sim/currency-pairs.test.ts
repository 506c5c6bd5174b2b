// Currency conversions on IDEALPRO through the unmodified @stoqey/ib client: the pair's contract details
// as IB lists them, its quotes, fills that move two cash balances and pay IB's currency commission in
// the account's base currency, the ledgers after them, the virtual FX position, and the refusals.
import type { Contract, ContractDetails } from "@stoqey/ib";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import {
  conversion,
  EUR_ACCOUNT,
  EUR_RATE,
  EUR_USD,
  eurUsd,
  fxState,
  MINIMUM_IN_EUR,
  VTI,
} from "./support/fx-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

type Row = [number, string, string, string, string];

/** Places an order and resolves with its commission report once it filled. */
async function fill(client: IbTestClient, orderId: number, order = conversion({})) {
  const since = client.mark();
  client.ib.placeOrder(orderId, eurUsd, order);
  const report = await client.waitFor(EventName.commissionReport, { since });
  await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === orderId && a[1] === "Filled" });
  const [, contract, execution] = client.named(EventName.execDetails, since)[0] as [
    number,
    Contract,
    Record<string, unknown>,
  ];
  return { report: report.args[0] as Record<string, unknown>, contract, execution };
}

/** Places an order and resolves with the error it was refused with. */
async function refusal(client: IbTestClient, orderId: number, contract: Contract, order = conversion({})) {
  const since = client.mark();
  client.ib.placeOrder(orderId, contract, order);
  const event = await client.waitFor(EventName.error, { since, where: (a) => a[2] === orderId });
  expect(client.named(EventName.execDetails, since)).toEqual([]);
  return { code: event.args[1] as number, message: (event.args[0] as Error).message };
}

async function summary(client: IbTestClient, reqId: number, tags: string): Promise<Row[]> {
  const since = client.mark();
  client.ib.reqAccountSummary(reqId, "All", tags);
  await client.waitFor(EventName.accountSummaryEnd, { since, where: (a) => a[0] === reqId });
  return client.named(EventName.accountSummary, since) as Row[];
}

describe("a currency pair's contract and quotes", () => {
  it("finds EUR.USD by symbol and currency with IB's IDEALPRO details", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqContractDetails(7, { symbol: "EUR", secType: eurUsd.secType, currency: "USD" });
    await client.waitFor(EventName.contractDetailsEnd, { since });
    const [[, details]] = client.named(EventName.contractDetails, since) as [[number, ContractDetails]];
    expect(details.contract).toMatchObject({
      conId: EUR_USD,
      symbol: "EUR",
      secType: "CASH",
      exchange: "IDEALPRO",
      currency: "USD",
      localSymbol: "EUR.USD",
      tradingClass: "EUR.USD",
    });
    expect(details).toMatchObject({
      marketName: "EUR.USD",
      minTick: 0.00005,
      minSize: 1,
      sizeIncrement: 1,
      validExchanges: "IDEALPRO",
      longName: "European Monetary Union Euro",
      aggGroup: 4,
      marketRuleIds: "239",
    });
    expect(details.orderTypes?.split(",")).not.toContain("MOC");
    // The other side of the pair is another contract, which this state does not list.
    const other = client.mark();
    client.ib.reqContractDetails(8, { symbol: "USD", secType: eurUsd.secType, currency: "EUR" });
    await client.waitFor(EventName.error, { since: other, where: (a) => a[2] === 8 && a[1] === 200 });
  });

  it("quotes bid, ask and close with their sizes, and no trades", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqMktData(3, eurUsd, "", true, false);
    await client.waitFor(EventName.tickSnapshotEnd, { since });
    const prices = Object.fromEntries(client.named(EventName.tickPrice, since).map((a) => [a[1], a[2]]));
    expect(prices).toEqual({ 1: 1.08495, 2: 1.08505, 9: 1.083 });
    expect(() => sim.setQuote(EUR_USD, { last: 1.085 })).toThrow(/IDEALPRO reports no trades/);
  });
});

describe("converting currencies", () => {
  it("buys euros with dollars at the ask: two cash balances move and the commission is USD 2.00 in euros", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    // 30,000 EUR at 1.08505 is 32,551.50 USD: 0.2 bp of it is 0.65, below the USD 2.00 minimum.
    const { report, contract, execution } = await fill(client, 1000);
    expect(contract).toMatchObject({ conId: EUR_USD, secType: "CASH", localSymbol: "EUR.USD" });
    expect(execution).toMatchObject({
      side: "BOT",
      shares: 30000,
      price: 1.08505,
      exchange: "IDEALPRO",
      acctNumber: EUR_ACCOUNT,
    });
    expect(report).toMatchObject({ commission: MINIMUM_IN_EUR, currency: "EUR" });
    expect(sim.account(EUR_ACCOUNT).cash).toEqual({
      EUR: Number.parseFloat((10000 + 30000 - MINIMUM_IN_EUR).toFixed(6)),
      USD: 50000 - 32551.5,
    });
    // The open order reports the commission in the currency it was charged in.
    const open = client.named(EventName.openOrder).at(-1) as [
      number,
      Contract,
      unknown,
      Record<string, unknown>,
    ];
    expect(open[3]).toMatchObject({
      status: "Filled",
      commission: MINIMUM_IN_EUR,
      commissionCurrency: "EUR",
    });
  });

  it("sells euros for dollars at the bid, and charges 0.2 bp of a large conversion's dollar value", async () => {
    const sim = await startTestSim({ state: fxState() });
    sim.setCash(EUR_ACCOUNT, "EUR", 1_000_000);
    const client = await connectClient(sim.port, 1);
    const sold = await fill(client, 1000, conversion({ action: OrderAction.SELL, totalQuantity: 500_000 }));
    // 500,000 x 1.08495 = 542,475 USD; 0.2 bp of it is 10.8495 USD, in euros at 1.085.
    const commission = Number.parseFloat(((542475 * 0.00002) / EUR_RATE).toFixed(6));
    expect(sold.execution).toMatchObject({ side: "SLD", price: 1.08495 });
    expect(sold.report).toMatchObject({ commission, currency: "EUR" });
    expect(sim.account(EUR_ACCOUNT).cash["EUR"]).toBeCloseTo(500_000 - commission, 6);
    expect(sim.account(EUR_ACCOUNT).cash["USD"]).toBeCloseTo(50000 + 542475, 6);
  });

  it("fills an odd lot (below USD 25,000) in full at the touch, for the minimum commission", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    // 1,000 EUR is about 1,085 USD: far below IDEALPRO's round lot, filled all the same, as IB re-routes it.
    const odd = await fill(client, 1000, conversion({ totalQuantity: 1000 }));
    expect(odd.execution).toMatchObject({ shares: 1000, cumQty: 1000, price: 1.08505 });
    expect(odd.report).toMatchObject({ commission: MINIMUM_IN_EUR, currency: "EUR" });
    expect(sim.orders()).toMatchObject([{ orderId: 1000, status: "Filled", filled: 1000, remaining: 0 }]);
  });

  it("charges the minimum once for a partly filled conversion, and previews a conversion's commission in euros", async () => {
    const state = fxState();
    state.faults = [{ type: "partial-fill", symbol: "EUR", fraction: 0.5, restAfterMs: 0 }];
    const sim = await startTestSim({ state });
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, eurUsd, conversion({}));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 && a[1] === "Filled" });
    const reports = client.named(EventName.commissionReport, since) as [
      { commission: number; currency: string },
    ][];
    expect(reports.map(([r]) => [r.commission, r.currency])).toEqual([
      [MINIMUM_IN_EUR, "EUR"],
      [0, "EUR"],
    ]);
    since = client.mark();
    client.ib.placeOrder(1001, eurUsd, conversion({ whatIf: true }));
    const answer = await client.waitFor(EventName.openOrder, { since, where: (a) => a[0] === 1001 });
    expect(answer.args[3]).toMatchObject({ minCommission: MINIMUM_IN_EUR, commissionCurrency: "EUR" });
  });

  it("keeps $LEDGER:ALL per currency consistent with the fills, and the base totals with them", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    await fill(client, 1000);
    await fill(client, 1001, conversion({ action: OrderAction.SELL, totalQuantity: 5000 }));
    const rows = await summary(client, 1, "$LEDGER:ALL,NetLiquidation,TotalCashValue");
    const value = (tag: string, currency: string): number =>
      Number(rows.find((r) => r[2] === tag && r[4] === currency)?.[3]);
    const eur = 10000 + 30000 - 5000 - 2 * MINIMUM_IN_EUR;
    const usd = 50000 - 30000 * 1.08505 + 5000 * 1.08495;
    expect(value("CashBalance", "EUR")).toBe(Number(eur.toFixed(2)));
    expect(value("CashBalance", "USD")).toBe(Number(usd.toFixed(2)));
    expect(value("ExchangeRate", "USD")).toBeCloseTo(1 / EUR_RATE, 9);
    expect(value("StockMarketValue", "USD")).toBe(40 * 250);
    // BASE is the sum of the currencies at their rates; the account's totals agree with it.
    const cashInEur = eur + usd / EUR_RATE;
    expect(value("CashBalance", "BASE")).toBe(Number(cashInEur.toFixed(2)));
    expect(value("TotalCashValue", "EUR")).toBe(value("CashBalance", "BASE"));
    const netLiquidation = cashInEur + (40 * 250) / EUR_RATE;
    expect(value("NetLiquidationByCurrency", "BASE")).toBe(Number(netLiquidation.toFixed(2)));
    expect(value("NetLiquidation", "EUR")).toBe(value("NetLiquidationByCurrency", "BASE"));
  });
});

describe("the virtual FX position", () => {
  it("is reported with the positions, average rate with the commission, and valued nowhere else", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    await fill(client, 1000);
    const since = client.mark();
    client.ib.reqPositions();
    await client.waitFor(EventName.positionEnd, { since });
    const rows = client.named(EventName.position, since) as [string, Contract, number, number][];
    expect(
      rows.map(([account, c, quantity]) => [account, c.conId, c.secType, c.localSymbol, quantity]),
    ).toEqual([
      [EUR_ACCOUNT, VTI, "STK", "VTI", 40],
      [EUR_ACCOUNT, EUR_USD, "CASH", "EUR.USD", 30000],
    ]);
    // USD 2.00 of commission spread over 30,000 euros.
    expect(rows[1]?.[3]).toBeCloseTo(1.08505 + 2 / 30000, 9);
    const totals = await summary(client, 2, "GrossPositionValue,NetLiquidation");
    const eur = 40000 - MINIMUM_IN_EUR;
    const usd = 50000 - 32551.5;
    expect(totals.map((r) => [r[2], r[3]])).toEqual([
      ["GrossPositionValue", ((40 * 250) / EUR_RATE).toFixed(2)],
      ["NetLiquidation", (eur + (usd + 40 * 250) / EUR_RATE).toFixed(2)],
    ]);
  });

  it("is left out under includeFxPositions: false, as IB's API setting does", async () => {
    const sim = await startTestSim({ state: { ...fxState(), includeFxPositions: false } });
    const client = await connectClient(sim.port, 1);
    await fill(client, 1000);
    const since = client.mark();
    client.ib.reqPositions();
    await client.waitFor(EventName.positionEnd, { since });
    const rows = client.named(EventName.position, since) as [string, Contract, number][];
    expect(rows.map(([, c]) => c.secType)).toEqual(["STK"]);
    expect(sim.account(EUR_ACCOUNT).cash["EUR"]).toBeCloseTo(40000 - MINIMUM_IN_EUR, 6);
  });
});

describe("refusals of a conversion", () => {
  it("refuses buying euros with more dollars than the account has, in IB's words, in dollars", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    // 50,000 EUR x 1.08505 = 54,252.50 USD against 50,000 USD; the commission is charged in euros.
    expect(await refusal(client, 1000, eurUsd, conversion({ totalQuantity: 50000 }))).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 50000.00 USD " +
        "Cash needed for this order and other pending orders: <br>54252.50 USD",
    });
    expect(sim.account(EUR_ACCOUNT).cash).toEqual({ EUR: 10000, USD: 50000 });
  });

  it("refuses selling more euros than the account has, the commission included", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    const sell = conversion({ action: OrderAction.SELL, totalQuantity: 10000 });
    expect(await refusal(client, 1000, eurUsd, sell)).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 10000.00 EUR " +
        `Cash needed for this order and other pending orders: <br>${(10000 + MINIMUM_IN_EUR).toFixed(2)} EUR`,
    });
  });

  it("counts a working stock buy against the dollars a conversion sells, and the conversion against a later buy", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    // Rests below the ask: 100 x 240.00 + 1.00 = 24,001.00 of the 50,000 USD.
    const vti: Contract = { conId: VTI, exchange: "SMART" };
    client.ib.placeOrder(
      1000,
      vti,
      conversion({ totalQuantity: 100, orderType: OrderType.LMT, lmtPrice: 240 }),
    );
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1000 && a[1] === "Submitted",
    });
    // 25,000 EUR x 1.08505 = 27,126.25 USD more: 51,127.25 in all.
    expect(await refusal(client, 1001, eurUsd, conversion({ totalQuantity: 25000 }))).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 50000.00 USD " +
        "Cash needed for this order and other pending orders: <br>51127.25 USD",
    });
    // A conversion resting below the ask holds its dollars: 20,000 x 1.08 = 21,600 + 24,001 and 4,500 more.
    client.ib.placeOrder(
      1002,
      eurUsd,
      conversion({ totalQuantity: 20000, orderType: OrderType.LMT, lmtPrice: 1.08 }),
    );
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1002 && a[1] === "Submitted",
    });
    expect(await refusal(client, 1003, vti, conversion({ totalQuantity: 18 }))).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 50000.00 USD " +
        `Cash needed for this order and other pending orders: <br>${(24001 + 21600 + 18 * 250.05 + 1).toFixed(2)} USD`,
    });
  });

  it("refuses on-close orders, which IDEALPRO does not take, and a limit off the half pip (110)", async () => {
    const sim = await startTestSim({ state: fxState() });
    const client = await connectClient(sim.port, 1);
    expect(await refusal(client, 1000, eurUsd, conversion({ orderType: OrderType.MOC }))).toEqual({
      code: 201,
      message: "Order rejected - reason:order type MOC is not valid for the currency pair EUR.USD (MKT, LMT)",
    });
    const offTick = conversion({ orderType: OrderType.LMT, lmtPrice: 1.08502 });
    expect(await refusal(client, 1001, eurUsd, offTick)).toEqual({
      code: 110,
      message: "The price does not conform to the minimum price variation for this contract.",
    });
    expect(sim.executions()).toEqual([]);
  });
});
