// Every band of server versions the simulator speaks, through the unmodified @stoqey/ib client. The
// client always offers v100..193; a simulator set to an older maximum makes it agree on that version,
// and from then on @stoqey/ib encodes and decodes every message by it, with the gates IB's clients use.
// Any field too many or too few is a 505 and fails the test (closeClients).
//
// Two @stoqey/ib 1.6 decoders differ from IB's reference EDecoder, and those bands are checked byte for
// byte in server-versions-wire.test.ts instead: OPEN_ORDER below 145 gates modelCode on the message
// version (34) rather than the server version (so 103..144 misread), and COMPLETED_ORDER never reads
// faProfile (so 150..176 misread).
import type { Contract, Execution, Order } from "@stoqey/ib";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { order, vti } from "./support/test-orders.js";
import { ACCOUNT, BND, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

/** One version in every band between two gates of wire/server-versions.ts, both ends included. */
const BANDS = [
  100, 101, 102, 103, 105, 106, 110, 111, 114, 121, 122, 126, 127, 129, 131, 134, 135, 136, 138, 139, 141,
  142, 145, 148, 150, 151, 152, 153, 158, 160, 162, 163, 164, 166, 169, 170, 176, 177, 178, 179, 182, 183,
  184, 185, 186, 187, 189, 190, 192, 193,
];

/** Where @stoqey/ib's OPEN_ORDER decoder agrees with IB's. */
const openOrdersReadable = (v: number): boolean => v < 103 || v >= 145;
/** Where @stoqey/ib's COMPLETED_ORDER decoder agrees with IB's (the message exists from 150). */
const completedOrdersReadable = (v: number): boolean => v >= 177;

async function requestAndWait(client: IbTestClient, end: string, request: () => void): Promise<number> {
  const since = client.mark();
  request();
  await client.waitFor(end, { since });
  return since;
}

describe.each(BANDS)("server version %i", (v) => {
  it("connects, reads contracts, quotes, the account, P&L and errors", async () => {
    const sim = await startTestSim({ serverVersion: v });
    const client = await connectClient(sim.port, 1);
    expect(client.ib.serverVersion).toBe(v);
    expect(client.named(EventName.managedAccounts)).toEqual([[ACCOUNT]]);

    let since = await requestAndWait(client, EventName.contractDetailsEnd, () =>
      client.ib.reqContractDetails(3, { conId: VTI }),
    );
    const [details] = client.named(EventName.contractDetails, since) as [number, Record<string, unknown>][];
    expect(details?.[1]).toMatchObject({
      contract: { conId: VTI, symbol: "VTI", primaryExch: "ARCA", currency: "USD" },
      minTick: 0.01,
      longName: "Vanguard Total Stock Market ETF",
    });

    since = await requestAndWait(client, EventName.tickSnapshotEnd, () =>
      client.ib.reqMktData(4, { conId: VTI, exchange: "SMART" }, "", true, false),
    );
    expect(client.named(EventName.tickPrice, since).map((a) => [a[1], a[2]])).toEqual(
      expect.arrayContaining([
        [1, 249.95],
        [2, 250.05],
      ]),
    );

    since = await requestAndWait(client, EventName.accountSummaryEnd, () =>
      client.ib.reqAccountSummary(5, "All", "NetLiquidation"),
    );
    expect(client.named(EventName.accountSummary, since)).toEqual([
      [5, ACCOUNT, "NetLiquidation", (25000 + 3625 + 25000 + 720).toFixed(2), "USD"],
    ]);

    since = await requestAndWait(client, EventName.positionEnd, () => client.ib.reqPositions());
    expect(
      (client.named(EventName.position, since) as [string, Contract, number][]).map((p) => [
        p[1].conId,
        p[2],
      ]),
    ).toEqual([
      [VTI, 100],
      [BND, 50],
    ]);

    since = client.mark();
    client.ib.reqContractDetails(6, {
      symbol: "NOPE",
      secType: vti.secType,
      exchange: "SMART",
      currency: "USD",
    });
    const refused = await client.waitFor(EventName.error, { since, where: (a) => a[2] === 6 });
    expect(refused.args[1]).toBe(200);

    if (v >= 127) {
      since = client.mark();
      client.ib.reqPnL(7, ACCOUNT, "");
      const [, daily, unrealized, realized] = (await client.waitFor(EventName.pnl, { since })).args;
      expect(daily).toBeCloseTo(100 * (250 - 248.1) + 50 * (72.5 - 72.4), 6);
      // Unrealised P&L is on the wire from 129, realised from 135.
      expect(unrealized === undefined).toBe(v < 129);
      expect(realized === undefined).toBe(v < 135);
    }
  });

  it.runIf(openOrdersReadable(v))("places, fills, cancels and lists orders and executions", async () => {
    const sim = await startTestSim({ serverVersion: v });
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, vti, order({ totalQuantity: 2, orderRef: `v${v}` }));
    await client.waitFor(EventName.commissionReport, { since });
    const [, , filledOrder] = client.named(EventName.openOrder, since).at(-1) as [number, Contract, Order];
    expect(filledOrder).toMatchObject({
      orderId: 1000,
      orderRef: `v${v}`,
      account: ACCOUNT,
      totalQuantity: 2,
    });
    const [, , execution] = client.named(EventName.execDetails, since)[0] as [number, Contract, Execution];
    expect(execution).toMatchObject({ orderId: 1000, shares: 2, price: 250.05, orderRef: `v${v}` });
    expect(client.named(EventName.orderStatus, since).at(-1)?.slice(0, 3)).toEqual([1000, "Filled", 2]);

    since = client.mark();
    client.ib.placeOrder(
      1001,
      vti,
      order({ orderType: OrderType.LMT, lmtPrice: 240, action: OrderAction.BUY }),
    );
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1001 && a[1] === "Submitted",
    });
    client.ib.cancelOrder(1001);
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1001 && a[1] === "Cancelled",
    });
    expect(client.errors(since).map((e) => [e.id, e.code])).toEqual([[1001, 202]]);

    since = await requestAndWait(client, EventName.execDetailsEnd, () => client.ib.reqExecutions(8, {}));
    expect(
      (client.named(EventName.execDetails, since) as [number, Contract, Execution][]).map((e) => [
        e[0],
        e[2].orderId,
      ]),
    ).toEqual([[8, 1000]]);

    since = client.mark();
    client.ib.placeOrder(1002, vti, order({ orderType: OrderType.LMT, lmtPrice: 240 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1002 });
    since = await requestAndWait(client, EventName.openOrderEnd, () => client.ib.reqOpenOrders());
    expect(client.named(EventName.openOrder, since).map((a) => a[0])).toEqual([1002]);
    client.ib.reqGlobalCancel();
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1002 && a[1] === "Cancelled",
    });

    if (completedOrdersReadable(v)) {
      since = await requestAndWait(client, EventName.completedOrdersEnd, () =>
        client.ib.reqCompletedOrders(false),
      );
      expect(client.named(EventName.completedOrder, since).map((a) => (a[1] as Order).orderRef)).toEqual([
        `v${v}`,
        "",
        "",
      ]);
    }
  });
});
