// Applying a plan with a currency conversion (fx.mode: convert) on the simulator: a EUR-base account
// buying USD ETFs (examples/sim-state-eur.yaml, examples/portfolio-eur.yaml). The order of a run is
// sells, then conversions, then buys, and no leg, a conversion included, is ever sent twice.
import { afterEach, describe, expect, it } from "vitest";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, ordersPerRef } from "./support/apply-harness.js";
import { cleanupPlanFixtures } from "./support/plan-fixture.js";
import { eurPlan, eurSim, sellConvertBuyPlan } from "./support/eur-example.js";

const ACCOUNT = "DU2345678";
const EUR_USD = 12087792;

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The legs in the order the simulator received them. */
const placedLegs = (sim: GatewaySim): string[] =>
  [...sim.orders()].sort((a, b) => a.orderId - b.orderId).map((o) => o.orderRef.split(":").pop() ?? "");

describe("apply with a currency conversion", () => {
  it("converts, then buys with the dollars the conversion produced", async () => {
    const sim = await eurSim();
    const fixture = await eurPlan(sim);
    expect(fixture.plan.orders.map((o) => o.leg)).toEqual(["F1", "B1", "B2", "B3"]);
    const eurBefore = sim.account(ACCOUNT).cash["EUR"] ?? 0;

    const result = await apply(sim, fixture);

    expect(result.record.outcome).toBe("applied");
    expect(result.exitCode).toBe(0);
    expect(placedLegs(sim)).toEqual(["F1", "B1", "B2", "B3"]);
    const f1 = result.record.orders.find((o) => o.leg === "F1");
    expect(f1).toMatchObject({ conId: EUR_USD, side: "SELL", status: "filled", currency: "USD" });
    // IB charges the conversion's commission in euros (2 USD's worth); the record shows the leg's in
    // dollars like its prices, and the totals add every leg's in the base currency.
    expect(f1?.executions.map((e) => e.commissionCurrency)).toEqual(["EUR"]);
    expect(f1?.commission).toBeCloseTo(2, 3);
    const usd = sim.snapshotState().exchangeRates?.["USD"] ?? 0;
    const eur = sim.snapshotState().exchangeRates?.["EUR"] ?? 0;
    const eurCommissions = result.record.orders
      .flatMap((o) => o.executions)
      .reduce(
        (sum, e) => sum + ((e.commission ?? 0) * (e.commissionCurrency === "USD" ? usd : eur)) / eur,
        0,
      );
    expect(result.record.totals.commissions).toBeCloseTo(eurCommissions, 2);
    const cash = sim.account(ACCOUNT).cash;
    expect(cash["USD"] ?? 0).toBeGreaterThanOrEqual(0);
    expect(cash["EUR"] ?? 0).toBeLessThan(eurBefore);
    // IB's virtual position in the pair is not a holding.
    expect(result.record.orders.map((o) => o.status)).toEqual(["filled", "filled", "filled", "filled"]);
  });

  it("refuses as stale when the pair's rate moved more than tolerances.priceMoveBps, sending nothing", async () => {
    const sim = await eurSim();
    const fixture = await eurPlan(sim);
    sim.setQuote(EUR_USD, { bid: 1.1, ask: 1.1001 }); // about +139 bps from 1.085
    const result = await apply(sim, fixture);
    expect(result.record.outcome).toBe("refused");
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal).toMatchObject({
      reason: "stale",
      differences: [{ kind: "price", conId: EUR_USD, planned: 1.085, current: 1.10005 }],
    });
    expect(sim.orders()).toEqual([]);
  });

  it("sends nothing again on a second run, the conversion included", async () => {
    const sim = await eurSim();
    const fixture = await eurPlan(sim);
    expect((await apply(sim, fixture)).record.outcome).toBe("applied");
    const again = await apply(sim, fixture);
    expect(again.record.outcome).toBe("already-applied");
    expect(again.exitCode).toBe(0);
    expect(ordersPerRef(sim)).toEqual([1, 1, 1, 1]);
  });

  it.each([
    ["the conversion's placement", 1],
    ["the conversion's and the first buy's placements", 2],
  ])("resumes after a drop at %s and sends each leg once", async (_step, times) => {
    const sim = await eurSim();
    const fixture = await eurPlan(sim);
    sim.injectFault({ type: "disconnect", on: "first-order", times });
    const result = await apply(sim, fixture);
    expect(sim.firedFaults().length).toBeGreaterThan(0);
    expect(result.record.outcome).toBe("applied");
    expect(ordersPerRef(sim)).toEqual([1, 1, 1, 1]);
  });

  it("resumes after a drop at every fill, the conversion's first, and sends each leg once", async () => {
    const sim = await eurSim();
    const fixture = await eurPlan(sim);
    sim.injectFault({ type: "disconnect", on: "first-fill", times: fixture.plan.orders.length });
    const result = await apply(sim, fixture);
    expect(sim.firedFaults()).toHaveLength(fixture.plan.orders.length);
    expect(result.record.outcome).toBe("applied");
    expect(ordersPerRef(sim)).toEqual([1, 1, 1, 1]);
  });

  it.each([
    ["during IDEALPRO's daily break (17:05 New York)", "2026-12-02T22:05:00Z", "2026-12-02 17:15:00"],
    ["on a Saturday", "2026-12-05T15:00:00Z", "2026-12-06 17:15:00"],
  ])("refuses a conversion %s by the pair's own hours, sending nothing", async (_when, clock, opens) => {
    // The ETFs' hours are taken out so that they count as open: only the pair's hours can refuse.
    const sim = await eurSim((state) => {
      state.clock = clock;
      for (const c of state.contracts) {
        if (c.secType === "CASH") continue;
        delete c.timeZoneId;
        delete c.tradingHours;
        delete c.liquidHours;
      }
    });
    const fixture = await eurPlan(sim);
    expect(fixture.plan.orders[0]).toMatchObject({ leg: "F1", conId: EUR_USD });

    const result = await apply(sim, fixture);

    expect(result.record.outcome).toBe("refused");
    expect(result.record.refusal).toMatchObject({
      reason: "window-closed",
      message: `the market is closed: EUR.USD is outside its regular trading hours (opens ${opens} US/Eastern)`,
    });
    expect(sim.orders()).toEqual([]);
  });

  it("names only the closed ETFs at 16:30 New York, when IDEALPRO is still open", async () => {
    // The pair is judged by its own hours, not by the exchanges': it is open after their close.
    const sim = await eurSim((state) => (state.clock = "2026-12-02T21:30:00Z"));
    const fixture = await eurPlan(sim);
    const result = await apply(sim, fixture);
    expect(result.record.refusal?.message).toBe(
      "the market is closed: BND is outside its regular trading hours (opens 2026-12-03 09:30:00 US/Eastern); " +
        "VNQ is outside its regular trading hours (opens 2026-12-03 09:30:00 US/Eastern); " +
        "VTI is outside its regular trading hours (opens 2026-12-03 09:30:00 US/Eastern)",
    );
    expect(sim.orders()).toEqual([]);
  });

  it.each([
    ["the sell's fill", 1],
    ["the sell's and the conversion's fills", 2],
  ])(
    "in a sell, convert, buy plan, resumes after a drop at %s and buys with what the conversion produced, each leg once",
    async (_step, times) => {
      const sim = await eurSim();
      const fixture = await sellConvertBuyPlan(sim);
      const planned = fixture.plan.orders;
      expect(planned.map((o) => o.leg)).toEqual(["S1", "F1", "B1", "B2"]);
      expect(planned[1]).toMatchObject({ conId: EUR_USD, side: "SELL" });
      // The connection drops while the sells wave runs: S1 filled at IB, apply not told of it.
      sim.injectFault({ type: "disconnect", on: "first-fill", times });

      const events: string[] = [];
      const result = await apply(sim, fixture, {
        onProgress: (e) => {
          if (e.kind === "placed" || e.kind === "filled" || e.kind === "reconnecting")
            events.push("leg" in e ? `${e.kind} ${e.leg}` : e.kind);
        },
      });

      expect(sim.firedFaults()).toHaveLength(times);
      // apply hears of S1's fill only from what IB reports after the reconnection, and each wave waits
      // until it has heard of the last one's fills.
      const at = (event: string): number => events.indexOf(event);
      expect(at("reconnecting")).toBeGreaterThan(at("placed S1"));
      expect(at("filled S1")).toBeGreaterThan(at("reconnecting"));
      expect(at("placed F1")).toBeGreaterThan(at("filled S1"));
      expect(at("placed B1")).toBeGreaterThan(at("filled F1"));
      expect(at("filled F1")).toBeGreaterThan(-1);
      expect(result.record.outcome).toBe("applied");
      expect(ordersPerRef(sim)).toEqual([1, 1, 1, 1]);
      expect(placedLegs(sim)).toEqual(["S1", "F1", "B1", "B2"]);
      // The conversion is sent at its planned amount, and the buys, sized from the account's cash after
      // it, at theirs: the dollars the sale and the conversion produced pay for them.
      const sent = Object.fromEntries(result.record.orders.map((o) => [o.leg, o.sentQuantity]));
      expect(sent).toEqual(Object.fromEntries(planned.map((o) => [o.leg, o.quantity])));
      expect(result.record.orders.map((o) => o.status)).toEqual(["filled", "filled", "filled", "filled"]);
      expect(sim.account(ACCOUNT).cash["USD"] ?? 0).toBeGreaterThanOrEqual(0);
    },
  );
});
