// What runApply decides from IB's state before it sends anything, and what it writes after: a first run
// gets the live cash and holdings checks, only this plan's orders make a run a resumed one, fills are
// counted once however many records hold them, the floor of cash.minimum reaches the executor, slippage
// reads "positive is worse" on both sides, and no record overwrites another.
import { copyFile, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, apply, exampleSim, ordersPerRef } from "./support/apply-harness.js";
import { allCash, raisePrices, SPEND_IT_ALL } from "./support/all-cash-account.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

const VTI = 756733;

async function placeAsAnotherPlan(sim: GatewaySim): Promise<void> {
  const other = new IbBroker({ host: sim.host, port: sim.port, clientId: 77, timeoutMs: 3_000 });
  await other.connect();
  await other.placeOrder({
    account: ACCOUNT,
    contract: { conId: VTI, symbol: "VTI", secType: "STK", exchange: "SMART", currency: "USD" },
    side: "BUY",
    quantity: 1,
    orderType: "LMT",
    limitPrice: 100,
    orderRef: "folioctl:ffffffffffff:B1",
  });
  await other.close();
}

describe("runApply checks live cash on a first run", () => {
  it("refuses buys that today's prices would overdraw, sending nothing", async () => {
    const sim = await exampleSim(allCash);
    const fixture = await planFixture(sim, new Date(), SPEND_IT_ALL);
    expect(fixture.plan.orders.every((o) => o.side === "BUY")).toBe(true);
    raisePrices(sim, 40);
    const result = await apply(sim, fixture);
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal?.reason).toBe("limit");
    expect(result.record.refusal?.message).toMatch(
      /USD cash would be -[\d,.]+ USD after the orders that spend it/,
    );
    expect(sim.orders()).toEqual([]);
  });

  it("does not take another plan's working order for one of its own", async () => {
    const sim = await exampleSim(allCash);
    const fixture = await planFixture(sim, new Date(), SPEND_IT_ALL);
    await placeAsAnotherPlan(sim);
    raisePrices(sim, 40);
    const result = await apply(sim, fixture);
    expect(result.record.refusal?.reason).toBe("limit");
    expect(sim.orders().map((o) => [o.orderRef, o.status])).toEqual([
      ["folioctl:ffffffffffff:B1", "Submitted"],
    ]);
  });
});

describe("runApply keeps cash.minimum", () => {
  it("sizes the buys so that the cash left stays at or above cash.minimum", async () => {
    const sim = await exampleSim(allCash);
    // Market buys that spend all but 5,000: sized for a 50 bps move, they no longer all fit above it.
    const fixture = await planFixture(sim, new Date(), (yaml) =>
      SPEND_IT_ALL(yaml)
        .replace("minimum: 0 #", "minimum: 5000 #")
        .replace("orderType: LMT", "orderType: MKT")
        .replace(/ *limitOffsetBps: 10.*\n/, ""),
    );
    const spent = fixture.plan.orders.reduce((sum, o) => sum + o.estimatedValue + o.estimatedCommission, 0);
    expect(56_000 - spent).toBeGreaterThanOrEqual(5_000);
    const result = await apply(sim, fixture);
    expect(result.record.refusal).toBeNull();
    expect(result.record.orders.flatMap((o) => o.notes).join("\n")).toMatch(
      /cash in USD after the sells pays for \d+ of \d+ shares/,
    );
    expect(sim.account(ACCOUNT).cash["USD"]).toBeGreaterThanOrEqual(5_000);
  });
});

describe("runApply's ledger", () => {
  it("records slippage as positive when a sell got less or a buy paid more than planned", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const result = await apply(sim, fixture);
    expect(result.record.outcome).toBe("applied");
    const sides = new Set(result.record.orders.map((o) => o.side));
    expect(sides).toEqual(new Set(["SELL", "BUY"]));
    for (const o of result.record.orders) {
      // The simulator fills sells at the bid and buys at the ask: both are worse than the mid planned.
      const worse = o.side === "SELL" ? o.estimatedPrice - o.avgPrice! : o.avgPrice! - o.estimatedPrice;
      expect(worse, o.leg).toBeGreaterThan(0);
      expect(o.slippageBps, o.leg).toBeCloseTo((worse / o.estimatedPrice) * 10_000, 2);
    }
  });

  it("keeps both records of two runs that end in the same second", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const now = new Date();
    const at = () => now;
    const first = await apply(sim, fixture, { now: at, toolVersion: "0.0.0-other" });
    const second = await apply(sim, fixture, { now: at, toolVersion: "0.0.0-other" });
    expect([first.record.outcome, second.record.outcome]).toEqual(["refused", "refused"]);
    expect(second.ledgerFile).not.toBe(first.ledgerFile);
    expect(second.ledgerFile).toBe(first.ledgerFile!.replace(/\.json$/, "-2.json"));
    const folder = join(fixture.ledgerDir, ACCOUNT);
    expect(await readdir(folder)).toHaveLength(2);
    expect(JSON.parse(await readFile(first.ledgerFile!, "utf8"))).toEqual(first.record);
    expect(JSON.parse(await readFile(second.ledgerFile!, "utf8"))).toEqual(second.record);
  });
});

describe("runApply after an interrupted run", () => {
  it("counts a fill once when two earlier records hold it and IB has forgotten the day", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    // The sell fills, then the cash is gone before the buys are sized: none is sent, and the record
    // holds the sell's fill. The cash comes back before the next run.
    const sells = new Set(fixture.plan.orders.filter((o) => o.side === "SELL").map((o) => o.leg));
    expect(sells.size).toBe(1);
    let cashAfterSell: number | undefined;
    const first = await apply(sim, fixture, {
      onProgress: (event) => {
        if (event.kind !== "filled" || !sells.has(event.leg) || cashAfterSell !== undefined) return;
        cashAfterSell = sim.account(ACCOUNT).cash["USD"];
        sim.setCash(ACCOUNT, "USD", 0);
      },
    });
    expect(first.exitCode).toBe(4);
    expect(first.record.orders.filter((o) => o.status === "not-sent").map((o) => o.side)).toEqual(
      fixture.plan.orders.filter((o) => o.side === "BUY").map(() => "BUY"),
    );
    expect(first.record.orders.find((o) => sells.has(o.leg))?.executions).toHaveLength(1);
    sim.setCash(ACCOUNT, "USD", cashAfterSell!);
    // A run that resumed the first one records the same fills again, in the same second: the second
    // record of a second gets `-2` (run-apply's own naming), so the copy never lands on the original.
    const copy = first.ledgerFile!.replace(/\.json$/, "-2.json");
    expect(copy).not.toBe(first.ledgerFile);
    await copyFile(first.ledgerFile!, copy);
    // A new day: the same account, but IB remembers no orders and no executions.
    const state = sim.snapshotState();
    await sim.stop();
    const nextDay = await startTestSim({ state });

    const again = await apply(nextDay, fixture);
    expect(again.record.refusal).toBeNull();
    expect(again.record.outcome).toBe("applied");
    const buys = fixture.plan.orders.filter((o) => o.side === "BUY");
    expect(
      nextDay
        .orders()
        .map((o) => o.orderRef)
        .sort(),
    ).toEqual(buys.map((o) => `folioctl:${fixture.plan.hash.slice(0, 12)}:${o.leg}`).sort());
    expect(ordersPerRef(nextDay)).toEqual(buys.map(() => 1));
  });
});
