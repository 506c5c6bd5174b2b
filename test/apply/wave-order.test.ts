// The waves of an apply, proved with orders that rest: the simulator fills a marketable order at once,
// so only a sell (or a conversion) held unfilled shows whether the next wave waits for it. Each test
// looks at what the simulator has received at the moment the executor waits on a wave's deadline.
import { afterEach, describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/apply/execution-types.js";
import { sizeBuys } from "../../src/apply/size-buys.js";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { estimateCommission } from "../../src/core/estimate-commission.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, apply, exampleSim, ordersPerRef } from "./support/apply-harness.js";
import { holdLeg, holdSells } from "./support/hold-sells.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { eurSim, sellConvertBuyPlan } from "./support/eur-example.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The legs the simulator has received, in the order it received them. */
const receivedLegs = (sim: GatewaySim): string[] =>
  [...sim.orders()].sort((a, b) => a.orderId - b.orderId).map((o) => o.orderRef.split(":").pop() ?? "");

/** Fills the simulator made, by leg. */
const filledLegs = (sim: GatewaySim): string[] => [
  ...new Set(sim.executions().map((e) => e.orderRef.split(":").pop() ?? "")),
];

/** Progress as `placed S1`, `filled S1` (a full fill only), `cancelled S1`, in the order it came. */
function progressLog() {
  const log: string[] = [];
  return {
    log,
    onProgress: (e: ProgressEvent) => {
      if (e.kind === "placed" || e.kind === "cancelled") log.push(`${e.kind} ${e.leg}`);
      if (e.kind === "filled" && e.filled === e.quantity) log.push(`filled ${e.leg}`);
    },
    at: (entry: string) => log.indexOf(entry),
  };
}

describe("apply sends the buys only once the sells have ended", () => {
  it("sends no buy while a sell rests, and sends the buys once the sells fill", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const sells = fixture.plan.orders.filter((o) => o.side === "SELL").map((o) => o.leg);
    const buys = fixture.plan.orders.filter((o) => o.side === "BUY").map((o) => o.leg);
    expect(sells.length).toBeGreaterThan(0);
    expect(buys.length).toBeGreaterThan(0);
    const release = holdSells(sim, fixture.plan);
    const deadlines = new WaveDeadlines();
    const firstWave = deadlines.nextWave();
    const progress = progressLog();

    const run = apply(sim, fixture, { waveDeadline: deadlines.port, onProgress: progress.onProgress });

    // Every sell is sent and rests: the executor waits on them, and the simulator has no buy.
    expect(await firstWave).toEqual(sells);
    expect(receivedLegs(sim)).toEqual(sells);
    expect(sim.orders().every((o) => !o.done && o.filled === 0)).toBe(true);
    expect(sim.executions()).toEqual([]);

    release();
    const result = await run;

    expect(result.record.outcome).toBe("applied");
    expect(receivedLegs(sim)).toEqual([...sells, ...buys]);
    const lastSellFill = Math.max(...sells.map((leg) => progress.at(`filled ${leg}`)));
    expect(lastSellFill).toBeGreaterThan(-1);
    for (const leg of buys) expect(progress.at(`placed ${leg}`), leg).toBeGreaterThan(lastSellFill);
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  });

  it("cancels a sell that never fills at the sells' deadline, then sizes the buys to the cash there", async () => {
    // Less cash than the example's: the buys need the sell's proceeds, and do not all fit without them.
    const sim = await exampleSim((state) => {
      const account = state.accounts.find((a) => a.id === ACCOUNT)!;
      account.cash = { USD: 1_000 };
    });
    const fixture = await planFixture(sim, new Date());
    const sells = fixture.plan.orders.filter((o) => o.side === "SELL");
    const buys = fixture.plan.orders.filter((o) => o.side === "BUY");
    holdSells(sim, fixture.plan);
    const deadlines = new WaveDeadlines();
    const firstWave = deadlines.nextWave();
    const progress = progressLog();
    // The sells rest and will not fill: their deadline is reached as soon as the executor waits on them.
    void firstWave.then((legs) => legs.forEach((leg) => deadlines.reach(leg)));
    const cashBefore = sim.account(ACCOUNT).cash["USD"] ?? 0;

    const result = await apply(sim, fixture, {
      waveDeadline: deadlines.port,
      onProgress: progress.onProgress,
    });

    expect(await firstWave).toEqual(sells.map((o) => o.leg));
    for (const sell of sells) {
      const leg = result.record.orders.find((o) => o.leg === sell.leg)!;
      expect(leg).toMatchObject({ status: "unfilled", filledQuantity: 0 });
      expect(leg.notes.join(" ")).toMatch(/cancelled the unfilled rest at the deadline/);
      expect(sim.orders().find((o) => o.orderRef === leg.orderRef)?.status).toBe("Cancelled");
    }
    expect(filledLegs(sim).filter((leg) => sells.some((s) => s.leg === leg))).toEqual([]);
    // The buys were sent after the sells' cancellation, sized to the cash that was there then: the
    // account's own, less cash.minimum, at each buy's limit price with its commission, in plan order.
    const lastCancel = Math.max(...sells.map((o) => progress.at(`cancelled ${o.leg}`)));
    expect(lastCancel).toBeGreaterThan(-1);
    const loaded = await loadPortfolioFile(fixture.portfolioFile);
    if (!loaded.ok) throw new Error("the fixture's portfolio is invalid");
    const { portfolio } = loaded;
    const expected = sizeBuys(
      buys.map((o) => ({
        leg: o.leg,
        currency: o.currency,
        plannedQuantity: o.quantity,
        maxPricePerShare: o.limitPrice!,
      })),
      { USD: cashBefore - portfolio.cash.minimum },
      (shares, price) => estimateCommission(portfolio.trading.commission, shares, price),
    );
    const sent = result.record.orders.filter((o) => o.side === "BUY").map((o) => [o.leg, o.sentQuantity]);
    expect(sent).toEqual(expected.map((b) => [b.leg, b.quantity]));
    // The cash is short of the plan: at least one buy is smaller than planned, and says so.
    expect(sent.some(([, quantity], i) => (quantity as number) < buys[i]!.quantity)).toBe(true);
    for (const o of result.record.orders.filter((o) => o.side === "BUY" && o.sentQuantity > 0)) {
      expect(progress.at(`placed ${o.leg}`), o.leg).toBeGreaterThan(lastCancel);
    }
    expect(sim.account(ACCOUNT).cash["USD"]).toBeGreaterThanOrEqual(portfolio.cash.minimum);
    expect(result.record.outcome).toBe("partial");
  });
});

const EUR_ACCOUNT = "DU2345678";
const EUR_USD = 12087792;

describe("apply converts only once the sells have ended, and buys only once the conversion has", () => {
  it("in a plan S1 -> F1 -> B1, B2: F1 waits for S1's fill, the buys for F1's", async () => {
    const sim = await eurSim();
    // The EUR example with VTI cut from 55% to 20% and VNQ raised to 45%: sell VTI, convert, buy.
    const fixture = await sellConvertBuyPlan(sim);
    expect(fixture.plan.orders.map((o) => o.leg)).toEqual(["S1", "F1", "B1", "B2"]);
    expect(fixture.plan.orders[1]).toMatchObject({ conId: EUR_USD, side: "SELL", orderType: "LMT" });
    const releaseS1 = holdLeg(sim, fixture.plan, "S1");
    const releaseF1 = holdLeg(sim, fixture.plan, "F1");
    const deadlines = new WaveDeadlines();
    const sellsWave = deadlines.nextWave();
    const progress = progressLog();

    const run = apply(sim, fixture, { waveDeadline: deadlines.port, onProgress: progress.onProgress });

    // S1 rests: the conversion is not sent.
    expect(await sellsWave).toEqual(["S1"]);
    expect(receivedLegs(sim)).toEqual(["S1"]);
    expect(sim.executions()).toEqual([]);

    // S1 fills; F1 is sent, rests, and no buy is sent while it does.
    const conversionsWave = deadlines.nextWave();
    releaseS1();
    expect(await conversionsWave).toEqual(["F1"]);
    expect(receivedLegs(sim)).toEqual(["S1", "F1"]);
    expect(filledLegs(sim)).toEqual(["S1"]);
    expect(progress.at("placed F1")).toBeGreaterThan(progress.at("filled S1"));

    releaseF1();
    const result = await run;

    expect(result.record.outcome).toBe("applied");
    expect(receivedLegs(sim)).toEqual(["S1", "F1", "B1", "B2"]);
    expect(progress.at("filled F1")).toBeGreaterThan(-1);
    expect(progress.at("placed B1")).toBeGreaterThan(progress.at("filled F1"));
    expect(progress.at("placed B2")).toBeGreaterThan(progress.at("filled F1"));
    expect(ordersPerRef(sim)).toEqual([1, 1, 1, 1]);
    expect(sim.account(EUR_ACCOUNT).cash["USD"] ?? 0).toBeGreaterThanOrEqual(0);
  });
});
