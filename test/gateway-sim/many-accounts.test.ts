// One login managing several accounts, through the unmodified @stoqey/ib client: every account in the
// managed-accounts list, summaries, ledgers and positions per account, orders booked to the account they
// name and checked against its own funds, and IB's refusals of an order naming no account or another
// login's account.
import type { Contract, Order } from "@stoqey/ib";
import { EventName, OrderAction } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { loadSimStateFile } from "../../src/gateway-sim/index.js";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { order, vnq, vti } from "./support/test-orders.js";
import { BND, VNQ, VTI } from "./support/test-state.js";
import { ACCOUNT, SECOND, twoAccountState } from "./support/two-accounts-state.js";

const TWO_ACCOUNTS = new URL("../../examples/sim-state-two-accounts.yaml", import.meta.url).pathname;

afterEach(async () => {
  await closeClients();
  await stopSims();
});

type Row = [number, string, string, string, string];

async function start() {
  const sim = await startTestSim({ state: twoAccountState() });
  return { sim, client: await connectClient(sim.port, 1) };
}

async function refusal(client: IbTestClient, orderId: number, contract: Contract, o: Order) {
  const since = client.mark();
  client.ib.placeOrder(orderId, contract, o);
  const event = await client.waitFor(EventName.error, { since, where: (a) => a[2] === orderId });
  return { code: event.args[1] as number, message: (event.args[0] as Error).message };
}

describe("a login with two accounts", () => {
  it("lists both in MANAGED_ACCTS, at connect and when asked", async () => {
    const { client } = await start();
    expect(client.named(EventName.managedAccounts)).toEqual([[`${ACCOUNT},${SECOND}`]]);
    const since = client.mark();
    client.ib.reqManagedAccts();
    await client.waitFor(EventName.managedAccounts, { since });
    expect(client.named(EventName.managedAccounts, since)).toEqual([[`${ACCOUNT},${SECOND}`]]);
  });

  it("answers the summary for group All with each account's rows and its own $LEDGER", async () => {
    const { client } = await start();
    const since = client.mark();
    client.ib.reqAccountSummary(1, "All", "NetLiquidation,$LEDGER");
    await client.waitFor(EventName.accountSummaryEnd, { since });
    const rows = client.named(EventName.accountSummary, since) as Row[];
    const value = (account: string, tag: string): string | undefined =>
      rows.find((r) => r[1] === account && r[2] === tag)?.[3];
    expect([...new Set(rows.map((r) => r[1]))]).toEqual([ACCOUNT, SECOND]);
    // 25,000 USD + 1,000 CAD at 0.72; 3,000 USD.
    expect(value(ACCOUNT, "CashBalance")).toBe("25720.00");
    expect(value(SECOND, "CashBalance")).toBe("3000.00");
    expect(value(SECOND, "NetLiquidation")).toBe((3000 + 30 * 88.4).toFixed(2));
    expect(value(ACCOUNT, "NetLiquidation")).toBe((25720 + 100 * 250 + 50 * 72.5).toFixed(2));
  });

  it("sends positions per account, and positions multi of one account only", async () => {
    const { client } = await start();
    let since = client.mark();
    client.ib.reqPositions();
    await client.waitFor(EventName.positionEnd, { since });
    const all = client.named(EventName.position, since) as [string, Contract, number][];
    expect(all.map(([account, c, quantity]) => [account, c.conId, quantity])).toEqual([
      [ACCOUNT, VTI, 100],
      [ACCOUNT, BND, 50],
      [SECOND, VNQ, 30],
    ]);
    since = client.mark();
    client.ib.reqPositionsMulti(2, SECOND, "");
    await client.waitFor(EventName.positionMultiEnd, { since });
    const one = client.named(EventName.positionMulti, since) as [number, string, string, Contract, number][];
    expect(one.map(([, account, , c, quantity]) => [account, c.conId, quantity])).toEqual([
      [SECOND, VNQ, 30],
    ]);
  });

  it("books an order to the account it names; its execution and completed order carry that account", async () => {
    const { sim, client } = await start();
    let since = client.mark();
    client.ib.placeOrder(1000, vnq, order({ account: SECOND, totalQuantity: 10, orderRef: "second" }));
    await client.waitFor(EventName.commissionReport, { since });
    const [[, , execution]] = client.named(EventName.execDetails, since) as [
      [number, Contract, { acctNumber: string }],
    ];
    expect(execution.acctNumber).toBe(SECOND);
    expect(sim.account(SECOND).cash["USD"]).toBeCloseTo(3000 - 10 * 88.42 - 1, 6);
    expect(sim.account(SECOND).positions.find((p) => p.conId === VNQ)?.quantity).toBe(40);
    expect(sim.account(ACCOUNT).cash).toEqual({ USD: 25000, CAD: 1000 });
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === VNQ)).toBeUndefined();

    since = client.mark();
    client.ib.reqExecutions(2, { acctCode: ACCOUNT });
    client.ib.reqExecutions(3, { acctCode: SECOND });
    await client.waitFor(EventName.execDetailsEnd, { since, where: (a) => a[0] === 3 });
    const byRequest = client
      .named(EventName.execDetails, since)
      .map((a) => [a[0], (a[2] as { acctNumber: string }).acctNumber]);
    expect(byRequest).toEqual([[3, SECOND]]);

    since = client.mark();
    client.ib.reqCompletedOrders(false);
    await client.waitFor(EventName.completedOrdersEnd, { since });
    const completed = client.named(EventName.completedOrder, since) as [Contract, Order][];
    expect(completed.map(([, o]) => [o.orderRef, o.account])).toEqual([["second", SECOND]]);
  });

  it("checks an order against its own account's cash, not the login's", async () => {
    const { sim, client } = await start();
    // 20 x 250.05 + 1.00 against the second account's 3,000 USD; the first has 25,000.
    expect(await refusal(client, 1000, vti, order({ account: SECOND, totalQuantity: 20 }))).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Available settled cash: 3000.00 USD " +
        "Cash needed for this order and other pending orders: <br>5002.00 USD",
    });
    expect(sim.executions()).toEqual([]);
  });

  it("refuses an order for an account the login does not manage (201); nothing fills", async () => {
    const { sim, client } = await start();
    expect(await refusal(client, 1000, vti, order({ account: "U9999999" }))).toEqual({
      code: 201,
      message:
        "Order rejected - reason:Invalid account code 'U9999999': the login does not manage this account",
    });
    expect(sim.orders()).toMatchObject([
      { orderId: 1000, account: "U9999999", status: "Inactive", done: true },
    ]);
    expect(sim.executions()).toEqual([]);
  });

  it("refuses an order that names no account with IB's 321 and creates no order", async () => {
    const { sim, client } = await start();
    const since = client.mark();
    expect(await refusal(client, 1000, vti, order({ account: "" }))).toEqual({
      code: 321,
      message: "Error validating request.-'bn' : cause - You must specify an account.",
    });
    expect(sim.orders()).toEqual([]);
    expect(client.named(EventName.orderStatus, since)).toEqual([]);
    // The id was not used up: the order with its account goes through.
    client.ib.placeOrder(1000, vti, order({ account: ACCOUNT, action: OrderAction.SELL }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 && a[1] === "Filled" });
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === VTI)?.quantity).toBe(90);
  });

  it("ships an example state with two accounts under one login", async () => {
    const loaded = await loadSimStateFile(TWO_ACCOUNTS);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const sim = await startTestSim({ state: loaded.state });
    const client = await connectClient(sim.port, 1);
    expect(client.named(EventName.managedAccounts)).toEqual([["DU1234567,DU7654321"]]);
  });
});
