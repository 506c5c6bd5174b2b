// Margin accounts and what-if orders, through the unmodified @stoqey/ib client: the margin figures the
// account summary reports, the initial-margin refusal, and what-if answers that place nothing.
import type { Contract, Order, OrderState } from "@stoqey/ib";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { SimStateFile } from "../../src/gateway-sim/index.js";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { order, vnq, vti } from "./support/test-orders.js";
import { ACCOUNT, testState, VNQ, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

/** The test account as a margin account; `edit` changes the state further. */
function marginState(edit: (state: SimStateFile) => void = () => undefined): SimStateFile {
  const state = testState();
  const account = state.accounts[0];
  if (account === undefined) throw new Error("the test state has no account");
  account.accountType = "margin";
  edit(state);
  return state;
}

const MARGIN_TAGS =
  "NetLiquidation,EquityWithLoanValue,GrossPositionValue,InitMarginReq,MaintMarginReq,AvailableFunds," +
  "ExcessLiquidity,BuyingPower,Cushion";

async function summary(client: IbTestClient, reqId: number): Promise<Record<string, number>> {
  const since = client.mark();
  client.ib.reqAccountSummary(reqId, "All", MARGIN_TAGS);
  await client.waitFor(EventName.accountSummaryEnd, { since });
  const rows = client.named(EventName.accountSummary, since) as [number, string, string, string][];
  return Object.fromEntries(rows.map((r) => [r[2], Number(r[3])]));
}

// 100 VTI at 250.00 + 50 BND at 72.50; 25,000 USD and 1,000 CAD at 0.72.
const GROSS = 100 * 250 + 50 * 72.5;
const NET_LIQ = GROSS + 25000 + 720;

describe("margin accounts", () => {
  it("report initial and maintenance margin, available funds, excess liquidity, buying power and cushion consistently", async () => {
    const sim = await startTestSim({
      state: marginState((s) => {
        const vtiSpec = s.contracts.find((c) => c.conId === VTI);
        if (vtiSpec) Object.assign(vtiSpec, { initMarginRate: 0.3, maintMarginRate: 0.2 });
      }),
    });
    const client = await connectClient(sim.port, 1);
    const values = await summary(client, 9001);
    const init = 25000 * 0.3 + 3625 * 0.25;
    const maint = 25000 * 0.2 + 3625 * 0.25;
    expect(values["NetLiquidation"]).toBeCloseTo(NET_LIQ, 2);
    expect(values["EquityWithLoanValue"]).toBeCloseTo(NET_LIQ, 2);
    expect(values["GrossPositionValue"]).toBeCloseTo(GROSS, 2);
    expect(values["InitMarginReq"]).toBeCloseTo(init, 2);
    expect(values["MaintMarginReq"]).toBeCloseTo(maint, 2);
    expect(values["AvailableFunds"]).toBeCloseTo(NET_LIQ - init, 2);
    expect(values["ExcessLiquidity"]).toBeCloseTo(NET_LIQ - maint, 2);
    expect(values["BuyingPower"]).toBeCloseTo(4 * (NET_LIQ - init), 2);
    expect(values["Cushion"]).toBeCloseTo((NET_LIQ - maint) / NET_LIQ, 6);
  });

  it("reports a cash account's positions as fully margined: available funds and buying power are its cash", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const values = await summary(client, 9002);
    expect(values["InitMarginReq"]).toBeCloseTo(GROSS, 2);
    expect(values["MaintMarginReq"]).toBeCloseTo(GROSS, 2);
    expect(values["AvailableFunds"]).toBeCloseTo(25720, 2);
    expect(values["ExcessLiquidity"]).toBeCloseTo(25720, 2);
    expect(values["BuyingPower"]).toBeCloseTo(25720, 2);
    expect(values["Cushion"]).toBeCloseTo(25720 / NET_LIQ, 6);
  });

  it("borrows and sells short, but refuses an order that would take equity below the initial margin", async () => {
    const sim = await startTestSim({ state: marginState() });
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    // 600 x 250.05 = 150,030: far beyond the cash, within four times the equity.
    client.ib.placeOrder(1000, vti, order({ totalQuantity: 600 }));
    client.ib.placeOrder(1001, vnq, order({ action: OrderAction.SELL, totalQuantity: 10 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 && a[1] === "Filled" });
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 && a[1] === "Filled" });
    const account = sim.account(ACCOUNT);
    expect(account.cash["USD"]).toBeLessThan(0);
    expect(account.positions.find((p) => p.conId === VNQ)?.quantity).toBe(-10);

    since = client.mark();
    client.ib.placeOrder(1002, vti, order({ totalQuantity: 200 }));
    const refused = await client.waitFor(EventName.error, { since, where: (a) => a[2] === 1002 });
    expect(refused.args[1]).toBe(201);
    expect((refused.args[0] as Error).message).toMatch(
      /^Order rejected - reason:YOUR ORDER IS NOT ACCEPTED\. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE \[\d+\.\d\d USD\] MUST EXCEED THE INITIAL MARGIN \[\d+\.\d\d USD\]$/,
    );
    expect(sim.orders()[2]).toMatchObject({ orderId: 1002, status: "Inactive", filled: 0 });

    // Reducing the position is always accepted, and excess liquidity stays above zero throughout.
    client.ib.placeOrder(1003, vti, order({ action: OrderAction.SELL, totalQuantity: 100 }));
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1003 && a[1] === "Filled" });
    const values = await summary(client, 9003);
    expect(values["ExcessLiquidity"]).toBeGreaterThan(0);
    expect(values["AvailableFunds"]).toBeCloseTo(
      values["EquityWithLoanValue"]! - values["InitMarginReq"]!,
      2,
    );
  });
});

const state = (answer: { args: unknown[] }): OrderState => answer.args[3] as OrderState;

describe("what-if orders", () => {
  it("answer with one openOrder carrying margin before, change and after, equity with loan and the commission estimate; nothing is placed", async () => {
    const sim = await startTestSim({ state: marginState() });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, order({ totalQuantity: 400, whatIf: true }));
    const answer = await client.waitFor(EventName.openOrder, { since, where: (a) => a[0] === 1000 });
    const [, , placed, state] = answer.args as [number, Contract, Order, OrderState];
    expect(placed.whatIf).toBe(true);
    const initBefore = GROSS * 0.25;
    // Bought at the ask, valued at the last price: equity drops by the spread and the commission.
    const commission = 400 * 0.005;
    const equityAfter = NET_LIQ - 400 * (250.05 - 250) - commission;
    expect(state).toMatchObject({
      status: "PreSubmitted",
      commission: undefined,
      minCommission: commission,
      maxCommission: commission,
      commissionCurrency: "USD",
      warningText: "",
    });
    expect(state.initMarginBefore).toBeCloseTo(initBefore, 2);
    expect(state.maintMarginBefore).toBeCloseTo(initBefore, 2);
    expect(state.equityWithLoanBefore).toBeCloseTo(NET_LIQ, 2);
    expect(state.initMarginAfter).toBeCloseTo(initBefore + 400 * 250 * 0.25, 2);
    expect(state.initMarginChange).toBeCloseTo(400 * 250 * 0.25, 2);
    expect(state.maintMarginChange).toBeCloseTo(400 * 250 * 0.25, 2);
    expect(state.equityWithLoanAfter).toBeCloseTo(equityAfter, 2);
    expect(state.equityWithLoanChange).toBeCloseTo(equityAfter - NET_LIQ, 2);

    const listed = client.mark();
    client.ib.reqOpenOrders();
    await client.waitFor(EventName.openOrderEnd, { since: listed });
    expect(client.named(EventName.openOrder, listed)).toEqual([]);
    expect(client.named(EventName.orderStatus, since)).toEqual([]);
    expect(client.named(EventName.execDetails, since)).toEqual([]);
    expect(sim.orders()).toEqual([]);
    expect(sim.executions()).toEqual([]);
    expect(sim.account(ACCOUNT).cash["USD"]).toBe(25000);
  });

  it("with a working order's id preview the change and leave the working order as it was", async () => {
    const sim = await startTestSim({ state: marginState() });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, order({ orderType: OrderType.LMT, lmtPrice: 240, totalQuantity: 10 }));
    await client.waitFor(EventName.orderStatus, {
      since,
      where: (a) => a[0] === 1000 && a[1] === "Submitted",
    });

    // The same id, marketable and larger, as a what-if: an answer, no change, no fill
    const asked = client.mark();
    client.ib.placeOrder(
      1000,
      vti,
      order({ orderType: OrderType.LMT, lmtPrice: 260, totalQuantity: 20, whatIf: true }),
    );
    const answer = await client.waitFor(EventName.openOrder, { since: asked, where: (a) => a[0] === 1000 });
    expect((answer.args[2] as Order).whatIf).toBe(true);
    expect(state(answer).initMarginChange).toBeCloseTo(20 * 250 * 0.25, 2);
    expect(sim.orders()).toMatchObject([{ orderId: 1000, quantity: 10, lmtPrice: 240, status: "Submitted" }]);
    expect(sim.executions()).toEqual([]);
  });

  it("say in the warning why the order would be refused, answer errors for the order itself, and place nothing", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, order({ totalQuantity: 1000, whatIf: true }));
    const answer = await client.waitFor(EventName.openOrder, { since, where: (a) => a[0] === 1000 });
    const state = answer.args[3] as OrderState;
    expect(state.warningText).toBe(
      "Available settled cash: 25000.00 USD Cash needed for this order and other pending orders: <br>250055.00 USD",
    );
    // A cash account's positions are margined in full: the change is the whole purchase.
    expect(state.initMarginChange).toBeCloseTo(1000 * 250, 2);
    expect(client.errors(since)).toEqual([]);

    // A price off the tick is an error, as for a real order, and records nothing either.
    const again = client.mark();
    client.ib.placeOrder(1001, vti, order({ orderType: OrderType.LMT, lmtPrice: 250.001, whatIf: true }));
    await client.waitFor(EventName.error, { since: again, where: (a) => a[2] === 1001 && a[1] === 110 });
    expect(client.named(EventName.orderStatus, since)).toEqual([]);
    expect(sim.orders()).toEqual([]);
  });
});
