// reqAccountUpdates, reqAccountUpdatesMulti and reqPositionsMulti through the unmodified @stoqey/ib
// client: the first answer, the updates after a fill, cancelling, and figures that agree with the
// account summary (cash and margin accounts).
import type { Contract } from "@stoqey/ib";
import { EventName, OrderAction } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { SimStateFile } from "../../src/gateway-sim/index.js";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { bnd, order } from "./support/test-orders.js";
import { ACCOUNT, BND, testState, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

type PortfolioRow = [Contract, number, number, number, number, number, number, string];
type ValueRow = [string, string, string, string];

const NOW = new Date("2026-11-24T15:07:00Z");

/** The summary's figures for `tags`, as tag to value text (base-currency rows). */
async function summary(client: IbTestClient, tags: string[]): Promise<Map<string, string>> {
  const since = client.mark();
  client.ib.reqAccountSummary(77, "All", tags.join(","));
  await client.waitFor(EventName.accountSummaryEnd, { since });
  client.ib.cancelAccountSummary(77);
  const rows = client.named(EventName.accountSummary, since) as [number, string, string, string][];
  return new Map(rows.map((r) => [r[2], r[3]]));
}

/** Sells the test account's 50 BND at the market and waits for the fill's commission report. */
async function sellBnd(client: IbTestClient, orderId: number): Promise<void> {
  const since = client.mark();
  client.ib.placeOrder(orderId, bnd, order({ action: OrderAction.SELL, totalQuantity: 50 }));
  await client.waitFor(EventName.commissionReport, { since });
}

const AMOUNTS = [
  "NetLiquidation",
  "TotalCashValue",
  "BuyingPower",
  "EquityWithLoanValue",
  "GrossPositionValue",
  "InitMarginReq",
  "MaintMarginReq",
  "AvailableFunds",
  "ExcessLiquidity",
  "Cushion",
];

describe("reqAccountUpdates", () => {
  it("sends account values, one portfolio row per position, the time, then the download end", async () => {
    const sim = await startTestSim({ clock: { now: () => NOW } });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountUpdates(true, ACCOUNT);
    await client.waitFor(EventName.accountDownloadEnd, { since });

    const names = client.events.slice(since).map((e) => e.name);
    const order = [
      EventName.updateAccountValue,
      EventName.updatePortfolio,
      EventName.updateAccountTime,
      EventName.accountDownloadEnd,
    ].map((name) => [names.indexOf(name), names.lastIndexOf(name)]);
    // Every value before every portfolio row, before the time, before the end.
    for (let i = 1; i < order.length; i += 1) expect(order[i - 1]?.[1]).toBeLessThan(order[i]?.[0] ?? -1);
    expect(client.named(EventName.accountDownloadEnd, since)).toEqual([[ACCOUNT]]);
    expect(client.named(EventName.updateAccountTime, since)).toEqual([["15:07"]]);

    const values = client.named(EventName.updateAccountValue, since) as ValueRow[];
    const value = (key: string, currency: string): string | undefined =>
      values.find((v) => v[0] === key && v[2] === currency)?.[1];
    expect(new Set(values.map((v) => v[3]))).toEqual(new Set([ACCOUNT]));
    expect(value("AccountCode", "")).toBe(ACCOUNT);
    expect(value("AccountReady", "")).toBe("true");
    // 100 VTI at 250.00 + 50 BND at 72.50 + 25,000 USD + 1,000 CAD at 0.72.
    expect(value("NetLiquidation", "USD")).toBe((25000 + 3625 + 25000 + 720).toFixed(2));
    expect(value("CashBalance", "CAD")).toBe("1000.00");
    expect(value("CashBalance", "BASE")).toBe("25720.00");
    expect(value("ExchangeRate", "CAD")).toBe("0.72");
    // VTI: (250 - 210.5) x 100; BND: (72.5 - 71.2) x 50.
    expect(Number(value("UnrealizedPnL", "BASE"))).toBeCloseTo(3950 + 65, 2);

    const rows = client.named(EventName.updatePortfolio, since) as PortfolioRow[];
    expect(
      rows.map(([c, pos, price, value, cost, unrealized, realized, account]) => [
        c.conId,
        c.symbol,
        c.primaryExch,
        c.currency,
        pos,
        price,
        value,
        cost,
        unrealized,
        realized,
        account,
      ]),
    ).toEqual([
      [VTI, "VTI", "ARCA", "USD", 100, 250, 25000, 210.5, 3950, 0, ACCOUNT],
      [BND, "BND", "NASDAQ", "USD", 50, 72.5, 3625, 71.2, 65, 0, ACCOUNT],
    ]);
  });

  it("reports the same figures as the account summary, for a cash and for a margin account", async () => {
    for (const accountType of ["cash", "margin"] as const) {
      const state: SimStateFile = testState();
      const account = state.accounts[0];
      if (account) account.accountType = accountType;
      const sim = await startTestSim({ state });
      const client = await connectClient(sim.port, 1);
      const expected = await summary(client, AMOUNTS);
      const since = client.mark();
      client.ib.reqAccountUpdates(true, "");
      await client.waitFor(EventName.accountDownloadEnd, { since });
      const values = client.named(EventName.updateAccountValue, since) as ValueRow[];
      const reported = new Map(values.filter((v) => v[2] === "USD").map((v) => [v[0], v[1]]));
      for (const tag of AMOUNTS)
        expect([accountType, tag, reported.get(tag)]).toEqual([accountType, tag, expected.get(tag)]);
      await closeClients();
      await stopSims();
    }
  });

  it("after a fill sends the new values and the traded contract's row; unsubscribing stops the updates", async () => {
    const sim = await startTestSim();
    const watcher = await connectClient(sim.port, 2);
    const trader = await connectClient(sim.port, 1);
    let since = watcher.mark();
    watcher.ib.reqAccountUpdates(true, ACCOUNT);
    await watcher.waitFor(EventName.accountDownloadEnd, { since });

    since = watcher.mark();
    await sellBnd(trader, 1000);
    await watcher.waitFor(EventName.updateAccountTime, { since });
    const rows = watcher.named(EventName.updatePortfolio, since) as PortfolioRow[];
    // Sold 50 at the bid, 72.48, for a commission of 1.00: realised (72.48 - 71.20) x 50 - 1.
    expect(
      rows.map(([c, pos, , value, , unrealized, realized]) => [c.conId, pos, value, unrealized, realized]),
    ).toEqual([[BND, 0, 0, 0, 63]]);
    const values = watcher.named(EventName.updateAccountValue, since) as ValueRow[];
    expect(values.find((v) => v[0] === "TotalCashValue")?.[1]).toBe((25720 + 50 * 72.48 - 1).toFixed(2));
    expect(watcher.named(EventName.accountDownloadEnd, since)).toEqual([]);

    watcher.ib.reqAccountUpdates(false, ACCOUNT);
    // A round trip: the unsubscription is handled, and the fill's last rows are in, before the next trade.
    watcher.ib.reqCurrentTime();
    await watcher.waitFor(EventName.currentTime, { since });
    since = watcher.mark();
    const traded = trader.mark();
    trader.ib.placeOrder(1001, { conId: VTI, exchange: "SMART" }, order({ totalQuantity: 1 }));
    await trader.waitFor(EventName.commissionReport, { since: traded });
    watcher.ib.reqCurrentTime();
    await watcher.waitFor(EventName.currentTime, { since });
    expect(watcher.named(EventName.updateAccountValue, since)).toEqual([]);
    expect(watcher.named(EventName.updatePortfolio, since)).toEqual([]);
  });

  it("refuses an account the gateway does not manage with 321", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountUpdates(true, "U999");
    await client.waitFor(EventName.info, { since, where: (a) => a[1] === 321 });
    expect(client.infos(since)).toEqual([
      { code: 321, message: "Error validating request.-'bp' : cause - Invalid account code 'U999'." },
    ]);
    expect(client.named(EventName.accountDownloadEnd, since)).toEqual([]);
  });
});

describe("reqAccountUpdatesMulti", () => {
  it("sends every value with the request id and model code, then the end; the light form only ledgers and NLV", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqAccountUpdatesMulti(31, ACCOUNT, "", false);
    await client.waitFor(EventName.accountUpdateMultiEnd, { since });
    const full = client.named(EventName.accountUpdateMulti, since) as [
      number,
      string,
      string,
      string,
      string,
      string,
    ][];
    expect(new Set(full.map((r) => `${r[0]}/${r[1]}/${r[2]}`))).toEqual(new Set([`31/${ACCOUNT}/`]));
    const expected = await summary(client, AMOUNTS);
    for (const tag of AMOUNTS)
      expect(full.find((r) => r[3] === tag && r[5] === "USD")?.[4]).toBe(expected.get(tag));

    since = client.mark();
    client.ib.reqAccountUpdatesMulti(32, ACCOUNT, "", true);
    await client.waitFor(EventName.accountUpdateMultiEnd, { since });
    const light = client.named(EventName.accountUpdateMulti, since) as [
      number,
      string,
      string,
      string,
      string,
      string,
    ][];
    expect(new Set(light.map((r) => r[3]))).toEqual(
      new Set([
        "NetLiquidation",
        "Currency",
        "CashBalance",
        "TotalCashBalance",
        "AccruedCash",
        "StockMarketValue",
        "NetLiquidationByCurrency",
        "UnrealizedPnL",
        "RealizedPnL",
        "ExchangeRate",
      ]),
    );
    expect(light.find((r) => r[3] === "NetLiquidation")?.[4]).toBe(expected.get("NetLiquidation"));
  });

  it("streams values after a fill until cancelled", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqAccountUpdatesMulti(41, "", "", true);
    await client.waitFor(EventName.accountUpdateMultiEnd, { since });

    since = client.mark();
    await sellBnd(client, 1000);
    await client.waitFor(EventName.accountUpdateMulti, {
      since,
      where: (a) => a[3] === "CashBalance" && a[5] === "USD",
    });
    const rows = client.named(EventName.accountUpdateMulti, since) as [
      number,
      string,
      string,
      string,
      string,
      string,
    ][];
    expect(rows.find((r) => r[3] === "CashBalance" && r[5] === "USD")?.[4]).toBe(
      (25000 + 50 * 72.48 - 1).toFixed(2),
    );

    client.ib.cancelAccountUpdatesMulti(41);
    // The rest of the fill's rows arrive before the time: only what comes after it counts.
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
    since = client.mark();
    client.ib.placeOrder(1001, { conId: VTI, exchange: "SMART" }, order({ totalQuantity: 1 }));
    await client.waitFor(EventName.commissionReport, { since });
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
    expect(client.named(EventName.accountUpdateMulti, since)).toEqual([]);
  });

  it("refuses an unknown account with 321 on the request id", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountUpdatesMulti(51, "U999", "", false);
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 321 });
    expect(client.errors(since).map((e) => [e.id, e.code])).toEqual([[51, 321]]);
  });
});

describe("reqPositionsMulti", () => {
  it("sends each position with the request id and model code, then the end; streams fills until cancelled", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqPositionsMulti(61, ACCOUNT, "");
    await client.waitFor(EventName.positionMultiEnd, { since });
    const rows = client.named(EventName.positionMulti, since) as [
      number,
      string,
      string,
      Contract,
      number,
      number,
    ][];
    expect(
      rows.map(([reqId, account, model, c, pos, cost]) => [
        reqId,
        account,
        model,
        c.conId,
        c.symbol,
        c.exchange,
        pos,
        cost,
      ]),
    ).toEqual([
      [61, ACCOUNT, "", VTI, "VTI", "SMART", 100, 210.5],
      [61, ACCOUNT, "", BND, "BND", "SMART", 50, 71.2],
    ]);
    expect(client.named(EventName.positionMultiEnd, since)).toEqual([[61]]);

    since = client.mark();
    await sellBnd(client, 1000);
    await client.waitFor(EventName.positionMulti, { since });
    expect(
      (client.named(EventName.positionMulti, since) as [number, string, string, Contract, number][]).map(
        (r) => [r[0], r[3].conId, r[4]],
      ),
    ).toEqual([[61, BND, 0]]);

    client.ib.cancelPositionsMulti(61);
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
    since = client.mark();
    client.ib.placeOrder(1001, { conId: VTI, exchange: "SMART" }, order({ totalQuantity: 1 }));
    await client.waitFor(EventName.commissionReport, { since });
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
    expect(client.named(EventName.positionMulti, since)).toEqual([]);
  });
});
