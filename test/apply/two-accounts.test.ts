// Two accounts under one login, applied at the same time on one gateway, both trading the same contract:
// each apply reads, counts, follows and cancels only its own account's orders (a peer's known failure was
// an apply on one account cancelling another account's orders). Each apply connects with its account's
// own client id, as `apply --on-merge` does, and the simulator hands both the same first order id, so
// order ids collide across the two clients as they can at IB.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { applyClientId } from "../../src/apply/apply-client-id.js";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import {
  SECOND_ACCOUNT as SECOND,
  twoAccountExampleState,
} from "../gateway-sim/support/two-account-example.js";
import { ACCOUNT, apply } from "./support/apply-harness.js";
import { holdSells } from "./support/hold-sells.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { cleanupPlanFixtures, planFixture, type PlanFixture } from "./support/plan-fixture.js";

const VTI = 756733;

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

async function twoAccountSim(): Promise<GatewaySim> {
  return startTestSim({ state: await twoAccountExampleState() });
}

const positions = (sim: GatewaySim, account: string) =>
  new Map(sim.account(account).positions.map((p) => [p.conId, p.quantity]));

/** Every fill at the simulator of this account, as `execId`, and the ones the record says it made. */
function fillsOf(sim: GatewaySim, account: string): string[] {
  return sim
    .executions()
    .filter((e) => e.account === account)
    .map((e) => e.execId)
    .sort();
}

describe("two accounts of one login applied at once", () => {
  it("each apply follows and cancels only its own orders, and a person's order on the other account stays", async () => {
    const sim = await twoAccountSim();
    const now = new Date();
    // One model for both: the example portfolio.yaml, for each account (the second may trade more).
    const first = await planFixture(sim, now);
    const second = await planFixture(sim, now, (yaml) =>
      yaml
        .replace(`account: ${ACCOUNT}`, `account: ${SECOND}`)
        .replace("maxTurnover: 30", "maxTurnover: 100"),
    );
    const trades = (fixture: PlanFixture) => fixture.plan.orders.map((o) => `${o.side} ${o.symbol}`);
    // Both trade VTI: the first account is overweight in it, the second underweight.
    expect(trades(first)).toContain("SELL VTI");
    expect(trades(second)).toContain("BUY VTI");

    // A person's resting order on the second account, in the contract both applies trade.
    const person = new IbBroker({ host: sim.host, port: sim.port, clientId: 5, timeoutMs: 3_000 });
    await person.connect();
    const byHand = await person.placeOrder({
      account: SECOND,
      contract: { conId: VTI, symbol: "VTI", secType: "STK", exchange: "SMART", currency: "USD" },
      side: "BUY",
      quantity: 1,
      orderType: "LMT",
      limitPrice: 150,
      orderRef: "stop-by-hand",
    });
    await person.close();

    // Every sell of both plans rests: the first apply's deadline passes while the second's orders work.
    holdSells(sim, first.plan);
    const releaseSecond = holdSells(sim, second.plan);
    const startFirst = positions(sim, ACCOUNT);
    const startSecond = positions(sim, SECOND);
    const broker = (account: string) =>
      new IbBroker({ host: sim.host, port: sim.port, clientId: applyClientId(account), timeoutMs: 3_000 });
    const secondDeadlines = new WaveDeadlines();
    const secondSellsResting = secondDeadlines.nextWave();
    const runSecond = apply(sim, second, {
      broker: broker(SECOND),
      waveTimeoutMs: 60_000,
      waveDeadline: secondDeadlines.port,
    });
    // The first apply's sells reach their deadline once the second's sells are all sent and resting.
    const firstDeadlines = new WaveDeadlines();
    void secondSellsResting.then(() => {
      for (const o of first.plan.orders) if (o.side === "SELL") firstDeadlines.reach(o.leg);
    });
    // The first apply passes its deadline, cancels and reads every open order while the second's
    // sells (order ids the same as its own) rest; they fill only once it has finished.
    const firstBroker = broker(ACCOUNT);
    // What the first apply hears from the gateway while it runs: only its own account's orders.
    const heard: string[] = [];
    firstBroker.subscribe((event) => {
      if (event.kind === "order-status") heard.push(`${event.order.account} ${event.order.orderRef}`);
      if (event.kind === "execution") heard.push(`${event.execution.account} ${event.execution.orderRef}`);
    });
    const a = await apply(sim, first, { broker: firstBroker, waveDeadline: firstDeadlines.port });
    releaseSecond();
    const b = await runSecond;

    expect(heard.length).toBeGreaterThan(0);
    const firstRef = `folioctl:${first.plan.hash.slice(0, 12)}:`;
    expect(heard.filter((line) => !line.startsWith(`${ACCOUNT} ${firstRef}`))).toEqual([]);

    // The first apply cancelled its resting sells and nothing else.
    const cancelled = sim.orders().filter((o) => o.status === "Cancelled");
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((o) => o.account === ACCOUNT && o.orderRef.startsWith("folioctl:"))).toBe(true);
    expect(a.record.outcome).toBe("partial");
    // The second filled in full, and the person's order is still there, untouched.
    expect(b.record.outcome).toBe("applied");
    const kept = sim.orders().find((o) => o.orderRef === "stop-by-hand");
    expect(kept).toMatchObject({ account: SECOND, status: "Submitted", orderId: byHand.orderId });

    // Each record holds exactly its own account's fills, each orderRef was sent once, to its account.
    const recorded = (record: typeof a.record) =>
      record.orders.flatMap((o) => o.executions.map((e) => e.execId)).sort();
    expect(recorded(a.record)).toEqual(fillsOf(sim, ACCOUNT));
    expect(recorded(b.record)).toEqual(fillsOf(sim, SECOND));
    for (const [fixture, account] of [
      [first, ACCOUNT],
      [second, SECOND],
    ] as const) {
      const ours = sim
        .orders()
        .filter((o) => o.orderRef.startsWith(`folioctl:${fixture.plan.hash.slice(0, 12)}:`));
      expect(ours.every((o) => o.account === account)).toBe(true);
      expect(new Set(ours.map((o) => o.orderRef)).size).toBe(ours.length);
    }
    // Order ids did collide across the two clients: the isolation above did not come from luck.
    const ids = (account: string) =>
      new Set(
        sim
          .orders()
          .filter((o) => o.account === account && o.orderRef.startsWith("folioctl:"))
          .map((o) => o.orderId),
      );
    expect([...ids(ACCOUNT)].some((id) => ids(SECOND).has(id))).toBe(true);

    // Each account moved by its own fills only.
    for (const [record, account, start] of [
      [a.record, ACCOUNT, startFirst],
      [b.record, SECOND, startSecond],
    ] as const) {
      const expected = new Map(start);
      for (const o of record.orders) {
        expected.set(o.conId, (expected.get(o.conId) ?? 0) + (o.side === "BUY" ? 1 : -1) * o.filledQuantity);
      }
      const now = positions(sim, account);
      for (const [conId, quantity] of expected)
        expect(now.get(conId) ?? 0, `${account} ${conId}`).toBe(quantity);
    }
    // The ledger files say the same as the records.
    expect(JSON.parse(await readFile(a.ledgerFile!, "utf8"))).toEqual(a.record);
  });
});
