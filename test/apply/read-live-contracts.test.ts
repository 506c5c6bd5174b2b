// Apply's contracts come from the plan's snapshot; IB's position report names every held contract again,
// and the two must agree on both the symbol and the currency. A held contract the plan never saw is not
// a disagreement: the staleness check is what judges a changed account.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderRefFor } from "../../src/apply/order-ref.js";
import { readAccountAfter, readLiveState } from "../../src/apply/read-live-state.js";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import type { Plan } from "../../src/core/plan.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import { BrokerError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture, type PlanFixture } from "./support/plan-fixture.js";
import { oneShareMarketBuy } from "./support/us-stock.js";
import { brokerWith } from "./support/broker-with.js";

const VTI = 756733;
const VNQ = 31230302;
/** A fund the plan's snapshot does not list, held in the account since the plan was made. */
const VFIAX = 555;

// One simulator, plan and connection for the file: each test only reads.
let sim: GatewaySim;
let fixture: PlanFixture;
let portfolio: Portfolio;
let broker: IbBroker;

beforeAll(async () => {
  sim = await exampleSim();
  fixture = await planFixture(sim, new Date());
  const loaded = await loadPortfolioFile(fixture.portfolioFile);
  if (!loaded.ok) throw new Error("the fixture's portfolio is invalid");
  portfolio = loaded.portfolio;
  sim.addContract({
    conId: VFIAX,
    symbol: "VFIAX",
    secType: "FUND",
    exchange: "FUNDSERV",
    currency: "USD",
    longName: "Vanguard 500 Index Admiral",
    timeZoneId: "America/New_York",
    liquidHours: "20261124:0930-20261124:1600;20261125:CLOSED",
  });
  sim.setPosition(ACCOUNT, VFIAX, 3, 500);
  broker = await connectBroker(sim);
});

afterAll(async () => {
  await closeBrokers();
  await stopSims();
  await cleanupPlanFixtures();
});

/** The plan as reviewed, but with its snapshot saying `edit` about VTI. */
function planSaying(edit: Partial<Plan["snapshot"]["contracts"][number]>): Plan {
  const plan = structuredClone(fixture.plan);
  plan.snapshot.contracts = plan.snapshot.contracts.map((c) => (c.conId === VTI ? { ...c, ...edit } : c));
  return plan;
}

describe("readLiveState against the plan's contracts", () => {
  it("reads the account with a held contract the plan's snapshot does not list", async () => {
    const live = await readLiveState(broker, portfolio, fixture.plan, () => new Date());

    expect(fixture.plan.snapshot.contracts.some((c) => c.conId === VFIAX)).toBe(false);
    expect(live.fresh.positions.find((p) => p.conId === VFIAX)?.quantity).toBe(3);
  });

  it("stops, saying nothing was sent, when IB reports a held contract in another currency only", async () => {
    const error = await readLiveState(
      broker,
      portfolio,
      planSaying({ currency: "CAD" }),
      () => new Date(),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).message).toBe(
      `IB reports conId ${VTI} as VTI in USD, but the plan's snapshot says VTI in CAD`,
    );
    expect((error as BrokerError).hint).toBe(
      "Nothing was sent. Let `folioctl propose` make a fresh plan from what IB reports now, and review it.",
    );
  });

  it("stops when IB reports a held contract under another symbol only", async () => {
    const error = await readLiveState(
      broker,
      portfolio,
      planSaying({ symbol: "VTIX" }),
      () => new Date(),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).message).toBe(
      `IB reports conId ${VTI} as VTI in USD, but the plan's snapshot says VTIX in USD`,
    );
  });
});

describe("readLiveState's quotes and IB's unnamed accounts", () => {
  it("quotes every contract the plan priced or trades, and no other", async () => {
    const plan = structuredClone(fixture.plan);
    const traded = plan.orders[0]!;
    // The plan's snapshot lists a contract it neither priced nor trades, and no price for one it trades.
    plan.snapshot.contracts.push({ ...plan.snapshot.contracts[0]!, conId: VFIAX, symbol: "VFIAX" });
    plan.snapshot.quotes = plan.snapshot.quotes.filter((q) => q.conId !== traded.conId);
    const priced = plan.snapshot.quotes.map((q) => q.conId);

    const live = await readLiveState(broker, portfolio, plan, () => new Date());

    expect(live.fresh.quotes.map((q) => q.conId).sort()).toEqual([...priced, traded.conId].sort());
  });

  it("takes an order and a fill IB reports without an account as this plan's, by their orderRef", async () => {
    const own = orderRefFor(fixture.plan.hash, "B9");
    await broker.placeOrder(oneShareMarketBuy(ACCOUNT, VNQ, "VNQ", own));
    const unnamed = <T extends { account: string }>(items: T[]) => items.map((i) => ({ ...i, account: "" }));
    const withoutAccounts = brokerWith(broker, {
      executions: async (account: string) => unnamed(await broker.executions(account)),
      completedOrders: async () => unnamed(await broker.completedOrders()),
    });

    const live = await readLiveState(withoutAccounts, portfolio, fixture.plan, () => new Date());

    expect(live.ibExecutions.map((e) => e.orderRef)).toEqual([own]);
    expect(live.ownOrders.map((o) => o.orderRef)).toContain(own);
  });
});

describe("readAccountAfter", () => {
  // Last in the file: it changes the simulated account.
  it("reads cash and positions again, valued at the quotes and contracts read before the run", async () => {
    const before = (await readLiveState(broker, portfolio, fixture.plan, () => new Date())).fresh;
    sim.setCash(ACCOUNT, "USD", 12_345);
    sim.setPosition(ACCOUNT, VNQ, 150, 82.15);
    const at = new Date("2026-12-03T15:00:00Z");

    const after = await readAccountAfter(broker, portfolio, before, () => at);

    expect(after).toMatchObject({ account: ACCOUNT, asOf: at.toISOString(), openOrders: [] });
    expect(after.cash["USD"]).toBe(12_345);
    expect(after.positions.find((p) => p.conId === VNQ)?.quantity).toBe(150);
    expect(after.positions.find((p) => p.conId === VTI)?.quantity).toBe(100);
    expect(after.quotes).toEqual(before.quotes);
    expect(after.contracts).toEqual(before.contracts);
    expect(after.baseCurrency).toBe("USD");
  });
});
