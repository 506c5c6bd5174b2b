// Attacks on the plan file that keep its hash valid (the rule is public, so anyone can re-hash): apply
// must re-derive the plan and refuse, and must not trust the plan's numbers for its own limits.
import { readFile, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { checkLiveLimits } from "../../src/apply/check-live-limits.js";
import { checkStaleness } from "../../src/apply/check-staleness.js";
import { describeDifference } from "../../src/apply/refusal.js";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { takeSnapshot } from "../../src/broker/take-snapshot.js";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { computePlan } from "../../src/core/compute-plan.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { hashPlan } from "../../src/core/hash-plan.js";
import type { Plan, PlanOrder } from "../../src/core/plan.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { RefusalError } from "../../src/errors.js";
import { TOOL_VERSION } from "../../src/version.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim } from "./support/apply-harness.js";
import { LOOP } from "./support/check-scenario.js";
import { cleanupPlanFixtures, planFixture, type PlanFixture } from "./support/plan-fixture.js";

const SPY = 416904;
const HOUR = 3_600_000;

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The example account, plus SPY: a contract the simulator trades but portfolio.yaml does not name. */
function simWithSpy(): Promise<GatewaySim> {
  return exampleSim((state) => {
    state.contracts.push({
      conId: SPY,
      symbol: "SPY",
      secType: "STK",
      exchange: "SMART",
      primaryExchange: "ARCA",
      currency: "USD",
      minTick: 0.01,
    });
    state.quotes = { ...state.quotes, [SPY]: { bid: 599.95, ask: 600.05, last: 600, close: 598 } };
  });
}

/** Edits the committed plan, re-hashes it with folioctl's own rule, and writes it back. */
async function tamper(fixture: PlanFixture, edit: (plan: Plan) => void): Promise<Plan> {
  const plan = JSON.parse(await readFile(fixture.planFile, "utf8")) as Plan;
  edit(plan);
  plan.hash = hashPlan(plan);
  await writeFile(fixture.planFile, formatPlanFile(plan));
  return plan;
}

const firstOrder = (plan: Plan): PlanOrder => {
  const order = plan.orders[0];
  if (order === undefined) throw new Error("the example plan has no orders");
  return order;
};

const spyBuy = (plan: Plan): PlanOrder => ({
  ...firstOrder(plan),
  leg: `B${plan.orders.filter((o) => o.side === "BUY").length + 1}`,
  conId: SPY,
  symbol: "SPY",
  side: "BUY",
  quantity: 150,
  limitPrice: 0.01,
  estimatedPrice: 0.01,
  estimatedValue: 1.5,
  estimatedValueBase: 1.5,
  estimatedCommission: 1,
  reason: "",
});

describe("apply re-derives the plan and refuses one folioctl would not make", () => {
  it.each<[string, (plan: Plan) => void, RegExp]>([
    [
      "a quantity multiplied by 3",
      (plan) => void (firstOrder(plan).quantity *= 3),
      /orders\[0\]\.quantity: the plan says (\d+), re-derived (\d+)/,
    ],
    [
      "a side flipped",
      (plan) => void (firstOrder(plan).side = firstOrder(plan).side === "BUY" ? "SELL" : "BUY"),
      /orders\[0\]\.side: the plan says "(BUY|SELL)", re-derived "(BUY|SELL)"/,
    ],
    [
      "a limit price of 1.00",
      (plan) => void (firstOrder(plan).limitPrice = 1),
      /orders\[0\]\.limitPrice: the plan says 1,/,
    ],
    [
      "a limit price of 500",
      (plan) => void (firstOrder(plan).limitPrice = 500),
      /orders\[0\]\.limitPrice: the plan says 500,/,
    ],
    [
      "an expired plan revived with a new expiresAt",
      (plan) => void (plan.expiresAt = new Date(Date.now() + 4 * HOUR).toISOString()),
      /expiresAt: the plan says/,
    ],
    [
      "a traded contract's price removed from the plan's snapshot",
      (plan) =>
        void (plan.snapshot.quotes = plan.snapshot.quotes.filter((q) => q.conId !== firstOrder(plan).conId)),
      /gives no plan \(no price for [A-Z]+ \(conId \d+\)/,
    ],
    [
      "an extra buy of 150 SPY, not a target, at a claimed price of 0.01",
      (plan) => void plan.orders.push(spyBuy(plan)),
      /^[^;]*: orders\[\d+\]: the plan says \{"conId":416904,.*, re-derived nothing$/,
    ],
  ])("refuses %s as tampered, sending nothing", async (_name, edit, message) => {
    const sim = await simWithSpy();
    const revived = _name.startsWith("an expired");
    const fixture = await planFixture(sim, new Date(Date.now() - (revived ? 5 * HOUR : 0)));
    await tamper(fixture, edit);
    const result = await apply(sim, fixture);
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal).toMatchObject({
      reason: "tampered",
      message: expect.stringMatching(message),
    });
    expect(sim.orders()).toEqual([]);
  });

  it("refuses a plan whose createdAt and snapshot time were moved on together only as expired: it is as old as what it saw", async () => {
    const sim = await simWithSpy();
    const fixture = await planFixture(sim, new Date(Date.now() - 5 * HOUR));
    const portfolio = await loadPortfolioFile(fixture.portfolioFile);
    if (!portfolio.ok) throw new Error("example portfolio is invalid");
    // The attacker runs folioctl itself on the old snapshot with a new clock: the result re-derives.
    const remade = computePlan(portfolio.portfolio, fixture.plan.snapshot, {
      now: new Date().toISOString(),
      toolVersion: TOOL_VERSION,
      portfolioHash: portfolio.sha256,
    });
    if (!remade.ok) throw new Error("the old snapshot does not plan");
    await writeFile(fixture.planFile, formatPlanFile(remade.plan));
    const result = await apply(sim, fixture);
    expect(result.record.refusal).toMatchObject({
      reason: "expired",
      message: expect.stringContaining(`the plan's snapshot was taken at ${fixture.plan.snapshot.asOf}`),
    });
    expect(sim.orders()).toEqual([]);
  });

  it("refuses a plan made by another folioctl version as version-mismatch, naming both versions", async () => {
    const sim = await simWithSpy();
    const fixture = await planFixture(sim, new Date());
    await tamper(fixture, (plan) => void (plan.toolVersion = "0.9.0"));
    const result = await apply(sim, fixture);
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal).toMatchObject({
      reason: "version-mismatch",
      message: expect.stringContaining(`made by folioctl 0.9.0, this is folioctl ${TOOL_VERSION}`),
      // runApply without a context is a local `apply --plan`: the new plan comes from `folioctl plan`.
      hint: expect.stringMatching(/^Make a new plan with this version \(`folioctl plan --portfolio /),
    });
    expect(sim.orders()).toEqual([]);
  });

  it("refuses a plan in an older plan format as version-mismatch, before reading it", async () => {
    const sim = await simWithSpy();
    const fixture = await planFixture(sim, new Date());
    await tamper(fixture, (plan) => void ((plan as unknown as { schemaVersion: number }).schemaVersion = 1));
    const refused = await apply(sim, fixture).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RefusalError);
    expect(refused).toMatchObject({
      reason: "version-mismatch",
      message: expect.stringMatching(new RegExp(`plan format 1, made by folioctl ${TOOL_VERSION}`)),
    });
    expect(sim.orders()).toEqual([]);
  });
});

describe("the live checks do not trust the plan", () => {
  async function liveWorld() {
    const sim = await simWithSpy();
    const fixture = await planFixture(sim, new Date());
    const loaded = await loadPortfolioFile(fixture.portfolioFile);
    if (!loaded.ok) throw new Error("example portfolio is invalid");
    const broker = new IbBroker({ host: sim.host, port: sim.port, clientId: 13 });
    await broker.connect();
    const fresh = await takeSnapshot(broker, loaded.portfolio, () => new Date());
    await broker.close();
    return { fixture, portfolio: loaded.portfolio, fresh };
  }

  it("refuses an order for a contract that is not a target, valued at the live price, as limit", async () => {
    const { fixture, portfolio, fresh } = await liveWorld();
    const plan: Plan = { ...fixture.plan, orders: [...fixture.plan.orders, spyBuy(fixture.plan)] };
    // The live snapshot has SPY's price (600) as if apply had asked for it: 150 x 600 is 90,000 USD.
    const withSpy = {
      ...fresh,
      quotes: [...fresh.quotes, { conId: SPY, bid: 599.95, ask: 600.05, time: fresh.asOf, delayed: false }],
    };
    const refusal = checkLiveLimits(portfolio, plan, withSpy, false, LOOP);
    expect(refusal?.reason).toBe("limit");
    expect(refusal?.message).toMatch(
      /buys 150 SPY \(conId 416904\), which is neither a target in portfolio\.yaml nor a position sold/,
    );
    expect(refusal?.message).toMatch(/limits\.maxOrderValue/);
    expect(refusal?.message).toMatch(/cash/);
    // Without a live price for it, the order cannot be valued at all: refused just the same.
    expect(checkLiveLimits(portfolio, plan, fresh, false, LOOP)?.message).toMatch(/SPY has no live price/);
  });

  it("refuses as stale a plan whose snapshot lacks the price of a contract it trades", async () => {
    const { fixture, fresh } = await liveWorld();
    const traded = firstOrder(fixture.plan);
    const plan: Plan = {
      ...fixture.plan,
      snapshot: {
        ...fixture.plan.snapshot,
        quotes: fixture.plan.snapshot.quotes.filter((q) => q.conId !== traded.conId),
      },
    };
    const refusal = checkStaleness(plan, fresh, [], 50, LOOP);
    expect(refusal?.reason).toBe("stale");
    expect(refusal?.message).toBe("the market changed since the plan was made (1 difference)");
    expect((refusal?.differences ?? []).map(describeDifference)).toEqual([
      `${traded.symbol} price: the plan has none, but trades it`,
    ]);
  });
});
