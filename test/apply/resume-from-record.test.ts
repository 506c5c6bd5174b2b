// A re-run whose first run sent buys that did not fill, and never sent one: on a new day only the first
// run's record says anything was sent (IB has forgotten the day); the same day without a record, only
// IB's orders do. Either way it resumes: the legs already sent are not sent again, so the live cash
// check of a first run, which would count them at today's higher prices, does not refuse the one leg
// left to send. A record in which nothing was sent resumes nothing: the run after it is a first run.
import { afterEach, describe, expect, it } from "vitest";
import type { Broker } from "../../src/broker/broker.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { TimeoutError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import {
  apply,
  exampleSim,
  failingTheSecondCashRead,
  ordersPerRef,
  runBroker,
} from "./support/apply-harness.js";
import { allCash, raisePrices, SPEND_IT_ALL } from "./support/all-cash-account.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { brokerWith } from "./support/broker-with.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/**
 * The real broker, except that prices rise 30 bps as the first order goes out (after the checks), so
 * the limit buys rest, and the second placement is never acknowledged: that leg is not sent.
 */
function risingAndLosingTheSecond(sim: GatewaySim): Broker {
  const inner = runBroker(sim);
  let placements = 0;
  return brokerWith(inner, {
    placeOrder: (...args: Parameters<IbBroker["placeOrder"]>) => {
      placements++;
      if (placements === 1) raisePrices(sim, 30);
      if (placements === 2)
        return Promise.reject(new TimeoutError("IB Gateway did not acknowledge the order in time"));
      return inner.placeOrder(...args);
    },
  });
}

describe("runApply resuming a run whose legs filled nothing", () => {
  it("sends the leg never sent, not refused by a first run's cash check at today's prices", async () => {
    const sim = await exampleSim(allCash);
    const fixture = await planFixture(sim, new Date(), SPEND_IT_ALL);
    const buys = fixture.plan.orders.map((o) => o.leg);
    expect(fixture.plan.orders.every((o) => o.side === "BUY" && o.orderType === "LMT")).toBe(true);
    expect(buys.length).toBeGreaterThanOrEqual(2);
    // The buys' deadline is reached as soon as they wait: the resting ones are cancelled unfilled.
    const firstDeadlines = new WaveDeadlines();
    firstDeadlines.reach(buys[0]!);
    const first = await apply(sim, fixture, {
      broker: risingAndLosingTheSecond(sim),
      waveDeadline: firstDeadlines.port,
      cancelGrace: new WaveDeadlines().port,
    });
    const notSent = first.record.orders.filter((o) => o.status === "not-sent").map((o) => o.leg);
    expect(notSent).toEqual([buys[1]]);
    expect(first.record.orders.every((o) => o.filledQuantity === 0)).toBe(true);
    // A new day: the same account and today's prices, but IB remembers no orders.
    const state = sim.snapshotState();
    await sim.stop();
    const nextDay = await startTestSim({ state });
    const deadlines = new WaveDeadlines();
    deadlines.reach(buys[1]!);

    const again = await apply(nextDay, fixture, {
      waveDeadline: deadlines.port,
      cancelGrace: new WaveDeadlines().port,
    });

    expect(again.record.refusal).toBeNull();
    expect(nextDay.orders().map((o) => o.orderRef)).toEqual([
      `folioctl:${fixture.plan.hash.slice(0, 12)}:${buys[1]}`,
    ]);
    expect(ordersPerRef(nextDay)).toEqual([1]);
  });

  it("resumes the same day from IB's working orders alone, when nothing filled and no record was left", async () => {
    const sim = await exampleSim(allCash);
    const fixture = await planFixture(sim, new Date(), SPEND_IT_ALL);
    const buys = fixture.plan.orders.map((o) => o.leg);
    const firstDeadlines = new WaveDeadlines();
    firstDeadlines.reach(buys[0]!);
    // No ledger directory: only IB knows the buys the first run sent (cancelled unfilled at the deadline).
    const first = await apply(sim, fixture, {
      ledgerDir: undefined,
      broker: risingAndLosingTheSecond(sim),
      waveDeadline: firstDeadlines.port,
      cancelGrace: new WaveDeadlines().port,
    });
    expect(first.record.orders.filter((o) => o.status === "not-sent").map((o) => o.leg)).toEqual([buys[1]]);
    expect(sim.executions()).toEqual([]);
    const deadlines = new WaveDeadlines();
    deadlines.reach(buys[1]!);

    const again = await apply(sim, fixture, {
      waveDeadline: deadlines.port,
      cancelGrace: new WaveDeadlines().port,
    });

    expect(again.record.refusal).toBeNull();
    expect(sim.orders().map((o) => o.orderRef)).toContain(
      `folioctl:${fixture.plan.hash.slice(0, 12)}:${buys[1]}`,
    );
    expect(ordersPerRef(sim)).toEqual(buys.map(() => 1));
  });

  it("is a first run, with its live cash check, after a record of a run that sent nothing", async () => {
    const sim = await exampleSim(allCash);
    const fixture = await planFixture(sim, new Date(), SPEND_IT_ALL);
    // The first run passes its checks, then cannot read the cash to size its buys: it sends nothing.
    const first = await apply(sim, fixture, { broker: failingTheSecondCashRead(sim) });
    expect(first.record.orders.length).toBe(fixture.plan.orders.length);
    expect(first.record.orders.every((o) => o.status === "not-sent")).toBe(true);
    raisePrices(sim, 45);
    // Should it send anything, its buys' deadline is reached at once rather than after a minute.
    const deadlines = new WaveDeadlines();
    for (const order of fixture.plan.orders) deadlines.reach(order.leg);

    const again = await apply(sim, fixture, {
      waveDeadline: deadlines.port,
      cancelGrace: new WaveDeadlines().port,
    });

    expect(again.record.refusal?.reason).toBe("limit");
    expect(again.record.refusal?.message).toMatch(/cash/);
    expect(sim.orders()).toEqual([]);
  });
});
