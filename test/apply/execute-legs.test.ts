import { afterEach, describe, expect, it } from "vitest";
import { executeLegs, type ExecuteOptions } from "../../src/apply/execute-legs.js";
import type { ExecutableLeg, ProgressEvent } from "../../src/apply/execution-types.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND, VNQ, VTI } from "../gateway-sim/support/test-state.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import type { LedgerOrder } from "../../src/apply/ledger.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { usStock as contract } from "./support/us-stock.js";
import {
  bndLimitBuy,
  cancelAllAsAPerson,
  executeOptions,
  legRef,
  vnqMarketBuy,
} from "./support/execute-legs-setup.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const HASH = "0123456789abcdef".repeat(4);
const LEGS: ExecutableLeg[] = [
  {
    leg: "S1",
    side: "SELL",
    quantity: 20,
    orderType: "MKT",
    estimatedPrice: 250,
    contract: contract(VTI, "VTI"),
  },
  vnqMarketBuy(30),
  bndLimitBuy(),
];

// IB's fixed US commission (0.005 a share, 1 at the least, 1% of the value at the most); five reconnects.
const options = (extra: Partial<ExecuteOptions> = {}) =>
  executeOptions(HASH, {
    commission: (shares, price) => Math.min(Math.max(shares * 0.005, 1), shares * price * 0.01),
    reconnect: { attempts: 5, initialDelayMs: 50, maxDelayMs: 400 },
    ...extra,
  });

/**
 * The deadline of the wave holding `leg` is reached when the first fill of it is reported (a partial
 * fill whose rest never comes), not when a timer runs out.
 */
function deadlineAtFirstFillOf(leg: string): Partial<ExecuteOptions> {
  const deadlines = new WaveDeadlines();
  return {
    waveDeadline: deadlines.port,
    onProgress: (e) => {
      if (e.kind === "filled" && e.leg === leg) deadlines.reach(leg);
    },
  };
}

/** The deadline of the wave holding `resting` is reached once `filling` has filled in full. */
function deadlineAtFullFillOf(filling: string, resting: string): Partial<ExecuteOptions> {
  const deadlines = new WaveDeadlines();
  return {
    waveDeadline: deadlines.port,
    onProgress: (e) => {
      if (e.kind === "filled" && e.leg === filling && e.filled === e.quantity) deadlines.reach(resting);
    },
  };
}

/** Orders per orderRef at the simulator: the one number that proves nothing was sent twice. */
function ordersPerRef(sim: GatewaySim): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const order of sim.orders()) counts[order.orderRef] = (counts[order.orderRef] ?? 0) + 1;
  return counts;
}

const REFS = {
  S1: legRef(HASH, "S1"),
  B1: legRef(HASH, "B1"),
  B2: legRef(HASH, "B2"),
};

describe("executeLegs against the simulator", () => {
  it("sells first, then buys, and reports every fill with its commission", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const events: ProgressEvent[] = [];
    const result = await executeLegs(broker, LEGS, options({ onProgress: (e) => events.push(e) }));
    expect(result.alreadyApplied).toBe(false);
    expect(result.interrupted).toBeUndefined();
    expect(result.legs.map((l) => [l.leg, l.status, l.filledQuantity])).toEqual([
      ["S1", "filled", 20],
      ["B1", "filled", 30],
      ["B2", "filled", 10],
    ]);
    const s1 = result.legs[0]!;
    expect(s1.avgPrice).toBe(249.95);
    expect(s1.commission).toBe(1);
    expect(s1.fills).toHaveLength(1);
    // The sell was placed and filled before the first buy was placed.
    const placed = events.filter((e) => e.kind === "placed").map((e) => (e as { leg: string }).leg);
    expect(placed).toEqual(["S1", "B1", "B2"]);
    // Progress reads in order: a leg's fill is never reported before the leg was placed.
    for (const leg of placed) {
      const placedAt = events.findIndex((e) => e.kind === "placed" && e.leg === leg);
      const filledAt = events.findIndex((e) => e.kind === "filled" && e.leg === leg);
      expect(filledAt, leg).toBeGreaterThan(placedAt);
    }
    const firstBuy = sim.orders().find((o) => o.orderRef === REFS.B1)!;
    const sell = sim.orders().find((o) => o.orderRef === REFS.S1)!;
    expect(sell.orderId).toBeLessThan(firstBuy.orderId);
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
    expect(sim.account(ACCOUNT).positions.find((p) => p.conId === VTI)?.quantity).toBe(80);
  });

  it("sends nothing on a second run and says the plan was already applied", async () => {
    const sim = await startTestSim();
    await executeLegs(await connectBroker(sim), LEGS, options());
    const again = await executeLegs(await connectBroker(sim), LEGS, options());
    expect(again.alreadyApplied).toBe(true);
    expect(again.legs.every((l) => l.status === "filled" && l.resumed)).toBe(true);
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
  });

  it("marks a rejected leg with IB's reason and carries on with the others", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "reject", symbol: "VNQ", reason: "not allowed" });
    const result = await executeLegs(await connectBroker(sim), LEGS, options());
    const b1 = result.legs.find((l) => l.leg === "B1")!;
    expect(b1.status).toBe("rejected");
    expect(b1.notes.join(" ")).toMatch(/not allowed/);
    expect(result.legs.find((l) => l.leg === "B2")?.status).toBe("filled");
    expect(ordersPerRef(sim)[REFS.B1]).toBe(1);
  });

  it("cancels the unfilled rest of a partial fill at the deadline and records the part that filled", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "partial-fill", symbol: "VTI", fraction: 0.25 });
    const result = await executeLegs(await connectBroker(sim), LEGS, options(deadlineAtFirstFillOf("S1")));
    const s1 = result.legs.find((l) => l.leg === "S1")!;
    expect(s1).toMatchObject({ status: "partial", filledQuantity: 5, sentQuantity: 20 });
    expect(s1.notes.join(" ")).toMatch(/cancelled the unfilled rest/);
    expect(sim.orders().find((o) => o.orderRef === REFS.S1)?.status).toBe("Cancelled");
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
  });

  it("shrinks buys to the cash the sells really raised, keeping the floor", async () => {
    const sim = await startTestSim();
    // After the sell (20 x 249.95 - 1) the account has 2,998 USD; 500 must stay.
    sim.setCash(ACCOUNT, "USD", -2000);
    const result = await executeLegs(await connectBroker(sim), LEGS, options());
    const vnq = result.legs.find((l) => l.leg === "B1")!;
    // 2,498 / (88.4 x 1.005) = 28.1: 28 shares fit, with the commission.
    expect(vnq).toMatchObject({ sentQuantity: 28, filledQuantity: 28, status: "partial" });
    expect(vnq.notes.join(" ")).toMatch(/pays for 28 of 30 shares/);
    const bnd = result.legs.find((l) => l.leg === "B2")!;
    expect(bnd.status).toBe("not-sent");
    expect(sim.account(ACCOUNT).cash["USD"]).toBeGreaterThanOrEqual(500);
  });

  it("reconnects after a disconnect on the first fill and finishes without sending anything twice", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "disconnect", on: "first-fill" });
    const events: ProgressEvent[] = [];
    const result = await executeLegs(
      await connectBroker(sim),
      LEGS,
      options({ onProgress: (e) => events.push(e) }),
    );
    expect(events.some((e) => e.kind === "reconnected")).toBe(true);
    expect(result.legs.map((l) => l.status)).toEqual(["filled", "filled", "filled"]);
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
    const fills = sim.executions().filter((e) => e.orderRef.startsWith("folioctl:"));
    expect(result.legs.flatMap((l) => l.fills.map((f) => f.execId)).sort()).toEqual(
      fills.map((f) => f.execId).sort(),
    );
  });

  it("rides out a connectivity loss at IB (1100, then 1102)", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "connectivity-lost", on: "first-order", restoreAfterMs: 200, restore: 1102 });
    const result = await executeLegs(await connectBroker(sim), LEGS, options());
    expect(sim.firedFaults().map((f) => f.fault.type)).toEqual(["connectivity-lost"]);
    expect(result.legs.map((l) => l.status)).toEqual(["filled", "filled", "filled"]);
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
  });

  it("never touches orders that are not this plan's", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const { orderId } = await broker.placeOrder({
      account: ACCOUNT,
      contract: contract(VTI, "VTI"),
      side: "SELL",
      quantity: 1,
      orderType: "LMT",
      limitPrice: 400,
      orderRef: "my stop",
    });
    sim.injectFault({ type: "partial-fill", symbol: "VTI", fraction: 0.5 });
    await executeLegs(broker, LEGS, options(deadlineAtFirstFillOf("S1")));
    const mine = sim.orders().find((o) => o.orderId === orderId)!;
    expect(mine.status).not.toBe("Cancelled");
    expect(mine.done).toBe(false);
  });
});

/** Resolves with the progress event the predicate picks, as it happens. */
function progressWaiter() {
  const events: ProgressEvent[] = [];
  const waiting: Array<{ match: (e: ProgressEvent) => boolean; resolve: () => void }> = [];
  return {
    events,
    onProgress: (event: ProgressEvent) => {
      events.push(event);
      for (const w of waiting.splice(0)) {
        if (w.match(event)) w.resolve();
        else waiting.push(w);
      }
    },
    until: (match: (e: ProgressEvent) => boolean) =>
      new Promise<void>((resolve) => waiting.push({ match, resolve })),
  };
}

/** BND's ask above B2's limit (72.6): the limit order rests unfilled. */
const BND_OUT_OF_REACH = { bid: 72.9, ask: 73 };
const BND_IN_REACH = { bid: 72.48, ask: 72.52 };

describe("a re-run never sends a leg IB knows in any state", () => {
  it("does not send a rejected (201) leg again, and says the plan was already attempted", async () => {
    const sim = await startTestSim();
    // Only the first order for VNQ is rejected: a second one would go through and fill.
    sim.injectFault({ type: "reject", symbol: "VNQ", reason: "no trading permission", times: 1 });
    const first = await executeLegs(await connectBroker(sim), LEGS, options());
    expect(first.legs.find((l) => l.leg === "B1")?.status).toBe("rejected");

    const again = await executeLegs(await connectBroker(sim), LEGS, options());
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
    expect(again).toMatchObject({ alreadyApplied: false, alreadyAttempted: true });
    const b1 = again.legs.find((l) => l.leg === "B1")!;
    expect(b1).toMatchObject({ status: "rejected", resumed: true, filledQuantity: 0 });
    expect(b1.permIds).toEqual([sim.orders().find((o) => o.orderRef === REFS.B1)!.permId]);
    expect(b1.notes.join(" ")).toMatch(/rejected by IB: .*no trading permission/);
  });

  it("does not send a limit order cancelled unfilled at the deadline again", async () => {
    const sim = await startTestSim();
    sim.setQuote(BND, BND_OUT_OF_REACH);
    // B2 rests; the buys' deadline is reached once B1 has filled in full.
    const first = await executeLegs(
      await connectBroker(sim),
      LEGS,
      options(deadlineAtFullFillOf("B1", "B2")),
    );
    expect(first.legs.find((l) => l.leg === "B2")?.status).toBe("unfilled");
    expect(sim.orders().find((o) => o.orderRef === REFS.B2)?.status).toBe("Cancelled");

    sim.setQuote(BND, BND_IN_REACH);
    const again = await executeLegs(await connectBroker(sim), LEGS, options());
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
    expect(again.alreadyAttempted).toBe(true);
    const b2 = again.legs.find((l) => l.leg === "B2")!;
    expect(b2).toMatchObject({ status: "unfilled", resumed: true, sentQuantity: 10 });
    expect(b2.notes.join(" ")).toMatch(/Cancelled .*with 0 of 10 filled/);
  });

  it("does not send again an order a person cancelled at the broker", async () => {
    const sim = await startTestSim();
    sim.setQuote(BND, BND_OUT_OF_REACH);
    const progress = progressWaiter();
    const run = executeLegs(
      await connectBroker(sim),
      LEGS,
      options({ waveTimeoutMs: 60_000, onProgress: progress.onProgress }),
    );
    await progress.until((e) => e.kind === "placed" && e.leg === "B2");
    await cancelAllAsAPerson(sim);
    const first = await run;
    expect(first.legs.find((l) => l.leg === "B2")?.status).toBe("unfilled");

    sim.setQuote(BND, BND_IN_REACH);
    const again = await executeLegs(await connectBroker(sim), LEGS, options());
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B1]: 1, [REFS.B2]: 1 });
    expect(again.alreadyAttempted).toBe(true);
    expect(again.legs.find((l) => l.leg === "B2")).toMatchObject({ status: "unfilled", resumed: true });
  });

  it("does not send a leg an earlier run's ledger records as sent, though IB no longer reports it", async () => {
    // A fresh simulator: IB has forgotten yesterday's orders; the ledger has not.
    const sim = await startTestSim();
    const earlier: LedgerOrder = {
      leg: "B1",
      orderRef: REFS.B1,
      side: "BUY",
      symbol: "VNQ",
      conId: VNQ,
      currency: "USD",
      orderType: "MKT",
      limitPrice: null,
      plannedQuantity: 30,
      sentQuantity: 30,
      filledQuantity: 0,
      estimatedPrice: 88.4,
      avgPrice: null,
      slippageBps: null,
      commission: 0,
      status: "rejected",
      orderIds: [1001],
      permIds: [1100000002],
      resumed: false,
      notes: ["rejected by IB: Order rejected - reason:no trading permission (code 201)"],
      executions: [],
    };
    const result = await executeLegs(await connectBroker(sim), LEGS, options({ earlierRuns: [earlier] }));
    expect(ordersPerRef(sim)).toEqual({ [REFS.S1]: 1, [REFS.B2]: 1 });
    const b1 = result.legs.find((l) => l.leg === "B1")!;
    expect(b1).toMatchObject({ status: "rejected", resumed: true, orderIds: [1001], sentQuantity: 30 });
    expect(b1.notes.join(" ")).toMatch(/an earlier run sent it: rejected by IB: .*no trading permission/);
    expect(result.legs.find((l) => l.leg === "B2")?.status).toBe("filled");
  });
});
