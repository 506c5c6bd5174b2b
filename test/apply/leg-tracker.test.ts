// What the executor knows about each leg, fed IB's reports as the broker adapter emits them: which
// orders and fills are this plan's, each fill counted once, when a leg has ended, and what it became.
import { describe, expect, it } from "vitest";
import type { BrokerExecution, BrokerOrder } from "../../src/broker/broker.js";
import type { ExecutableLeg, ProgressEvent } from "../../src/apply/execution-types.js";
import type { LedgerOrder } from "../../src/apply/ledger.js";
import { LegTracker } from "../../src/apply/leg-tracker.js";
import { usStock as contract } from "./support/us-stock.js";

const HASH = "abcdef0123456789".repeat(4);
const OTHER = "0123456789abcdef".repeat(4);
const ref = (leg: string, hash = HASH) => `folioctl:${hash.slice(0, 12)}:${leg}`;
const LEGS: ExecutableLeg[] = [
  {
    leg: "S1",
    side: "SELL",
    quantity: 10,
    orderType: "MKT",
    estimatedPrice: 100,
    contract: contract(1, "AAA"),
  },
  {
    leg: "B1",
    side: "BUY",
    quantity: 20,
    orderType: "MKT",
    estimatedPrice: 50,
    contract: contract(2, "BBB"),
  },
];

function tracker() {
  const events: ProgressEvent[] = [];
  return { t: new LegTracker(LEGS, HASH, (e) => events.push(e)), events };
}

function execution(
  leg: string,
  execId: string,
  shares: number,
  price: number,
  extra: Partial<BrokerExecution> = {},
) {
  const spec = LEGS.find((l) => l.leg === leg)!;
  return {
    execId,
    orderId: leg === "S1" ? 11 : 12,
    permId: leg === "S1" ? 911 : 912,
    orderRef: ref(leg),
    account: "DU1234567",
    conId: spec.contract.conId,
    symbol: spec.contract.symbol,
    side: spec.side,
    shares,
    price,
    time: "20261124 10:00:00",
    ...extra,
  } satisfies BrokerExecution;
}

function order(leg: string, status: string, extra: Partial<BrokerOrder> = {}): BrokerOrder {
  const spec = LEGS.find((l) => l.leg === leg)!;
  return {
    orderId: leg === "S1" ? 11 : 12,
    permId: leg === "S1" ? 911 : 912,
    clientId: 11,
    account: "DU1234567",
    conId: spec.contract.conId,
    symbol: spec.contract.symbol,
    side: spec.side,
    quantity: spec.quantity,
    filled: 0,
    remaining: spec.quantity,
    avgFillPrice: 0,
    orderType: "MKT",
    orderRef: ref(leg),
    status,
    ...extra,
  };
}

describe("LegTracker: whose fills, and each once", () => {
  it("counts an execution seen live and again in a later query once, and reports it once", () => {
    const { t, events } = tracker();
    t.markPlaced("S1", 11, 10);
    t.apply({ kind: "execution", execution: execution("S1", "e1", 4, 100) });
    t.absorb([], [execution("S1", "e1", 4, 100), execution("S1", "e2", 6, 101)], false);
    const s1 = t.outcome("S1");
    expect(s1.filledQuantity).toBe(10);
    expect(events.filter((e) => e.kind === "filled").map((e) => (e as { filled: number }).filled)).toEqual([
      4, 10,
    ]);
    const [outcome] = t.outcomes();
    expect(outcome).toMatchObject({ status: "filled", filledQuantity: 10, avgPrice: 100.6 });
    expect(outcome!.fills.map((f) => f.execId)).toEqual(["e1", "e2"]);
  });

  it("ignores orders and fills of another plan and of people", () => {
    const { t } = tracker();
    t.absorb(
      [
        order("S1", "Submitted", { orderRef: ref("S1", OTHER) }),
        order("B1", "Submitted", { orderRef: "my stop" }),
      ],
      [execution("S1", "x1", 10, 100, { orderRef: ref("S1", OTHER), orderId: 99 })],
      true,
    );
    expect(t.isKnownToBroker("S1")).toBe(false);
    expect(t.isKnownToBroker("B1")).toBe(false);
    expect(t.outcomes().map((o) => o.status)).toEqual(["not-sent", "not-sent"]);
  });

  it("attaches a commission that arrived before its execution", () => {
    const { t } = tracker();
    t.markPlaced("B1", 12, 20);
    t.apply({ kind: "commission", execId: "c1", commission: 1.25, currency: "USD" });
    t.apply({ kind: "execution", execution: execution("B1", "c1", 20, 50) });
    t.apply({ kind: "commission", execId: "c2", commission: 9, currency: "USD" });
    const b1 = t.outcomes()[1]!;
    expect(b1.fills[0]).toMatchObject({ commission: 1.25, commissionCurrency: "USD" });
    expect(b1.commission).toBe(1.25);
  });

  it("reports a fill that arrived before the placement's acknowledgement after 'placed'", () => {
    const { t, events } = tracker();
    t.apply({ kind: "execution", execution: execution("S1", "e1", 10, 100) });
    expect(events).toEqual([]);
    t.markPlaced("S1", 11, 10);
    expect(events.map((e) => e.kind)).toEqual(["placed", "filled"]);
  });

  it("sorts fills by time, then execId, and averages their prices by shares", () => {
    const { t } = tracker();
    t.markPlaced("B1", 12, 20);
    t.apply({ kind: "execution", execution: execution("B1", "b", 5, 52, { time: "20261124 10:00:02" }) });
    t.apply({ kind: "execution", execution: execution("B1", "a", 5, 51, { time: "20261124 10:00:02" }) });
    t.apply({ kind: "execution", execution: execution("B1", "z", 10, 50, { time: "20261124 10:00:01" }) });
    const b1 = t.outcomes()[1]!;
    expect(b1.fills.map((f) => f.execId)).toEqual(["z", "a", "b"]);
    expect(b1.avgPrice).toBeCloseTo((10 * 50 + 5 * 51 + 5 * 52) / 20, 10);
    expect(b1.status).toBe("filled");
  });
});

describe("LegTracker: when a leg has ended", () => {
  it("is settled when it was never sent, when filled, rejected, or in a terminal IB state", () => {
    const { t } = tracker();
    expect(t.isSettled("S1")).toBe(true);
    t.markPlaced("S1", 11, 10);
    expect(t.isSettled("S1")).toBe(false);
    expect(t.workingOrderIds("S1")).toEqual([11]);
    t.apply({ kind: "execution", execution: execution("S1", "e1", 9, 100) });
    expect(t.isSettled("S1")).toBe(false);
    t.apply({ kind: "execution", execution: execution("S1", "e2", 1, 100) });
    expect(t.isSettled("S1")).toBe(true);
    expect(t.workingOrderIds("S1")).toEqual([]);

    t.markPlaced("B1", 12, 20);
    for (const status of ["PreSubmitted", "Submitted", "PendingCancel"]) {
      t.apply({ kind: "order-status", order: order("B1", status) });
      expect(t.isSettled("B1"), status).toBe(false);
    }
    for (const status of ["Cancelled", "ApiCancelled", "Inactive", "Filled"]) {
      t.apply({ kind: "order-status", order: order("B1", status) });
      expect(t.isSettled("B1"), status).toBe(true);
    }
  });

  it("has all legs ended only when every leg is known and settled", () => {
    const { t } = tracker();
    expect(t.allEnded()).toBe(false);
    t.markPlaced("S1", 11, 10);
    t.apply({ kind: "execution", execution: execution("S1", "e1", 10, 100) });
    expect(t.allEnded()).toBe(false);
    t.markRejected("B1", "no permission");
    expect(t.allEnded()).toBe(true);
    expect(new LegTracker([], HASH).allEnded()).toBe(false);
  });

  it("takes IB's rejection codes as the end of a leg, and other codes as notes", () => {
    const { t, events } = tracker();
    t.markPlaced("S1", 11, 10);
    t.apply({ kind: "order-error", orderId: 11, code: 399, message: "Order will be placed at open" });
    t.apply({ kind: "order-error", orderId: 11, code: 202, message: "Order Canceled" });
    expect(t.isSettled("S1")).toBe(false);
    expect(t.outcome("S1").notes).toEqual(["IB: Order will be placed at open (code 399)"]);
    t.apply({ kind: "order-error", orderId: 11, code: 201, message: "Order rejected - reason: margin" });
    t.apply({ kind: "order-error", orderId: 11, code: 201, message: "Order rejected - reason: margin" });
    expect(t.isSettled("S1")).toBe(true);
    expect(t.outcomes()[0]!.status).toBe("rejected");
    expect(events.filter((e) => e.kind === "rejected")).toHaveLength(1);
    t.apply({ kind: "order-error", orderId: 999, code: 201, message: "not ours" });
  });

  it("says the ends of an earlier run's orders: rejected (Inactive, nothing filled) or cancelled part-way", () => {
    const { t } = tracker();
    t.absorb(
      [
        order("S1", "Inactive", { permId: 911, orderId: 0, completedStatus: "Rejected: no shorting" }),
        order("B1", "Cancelled", { filled: 5, completedStatus: "Cancelled by Trader" }),
      ],
      [execution("B1", "e1", 5, 50)],
      true,
    );
    const [s1, b1] = t.outcomes();
    expect(s1).toMatchObject({ status: "rejected", notes: ["rejected by IB: no shorting"], permIds: [911] });
    expect(s1!.orderIds).toEqual([]);
    expect(b1).toMatchObject({ status: "partial", resumed: true, filledQuantity: 5, sentQuantity: 20 });
    expect(b1!.notes).toEqual([
      "an earlier run sent it; IB reports it Cancelled (Cancelled by Trader) with 5 of 20 filled",
    ]);
  });

  it("names an Inactive order by its permId when IB gives no reason", () => {
    const { t } = tracker();
    t.absorb([order("S1", "Inactive", { completedStatus: "" })], [], true);
    expect(t.outcome("S1").notes).toEqual(["rejected by IB: order 911 is Inactive"]);
  });
});

describe("LegTracker: what an earlier run's ledger says", () => {
  const ledger = (
    leg: string,
    status: LedgerOrder["status"],
    extra: Partial<LedgerOrder> = {},
  ): LedgerOrder => {
    const spec = LEGS.find((l) => l.leg === leg)!;
    return {
      leg,
      orderRef: ref(leg),
      side: spec.side,
      symbol: spec.contract.symbol,
      conId: spec.contract.conId,
      currency: "USD",
      orderType: "MKT",
      limitPrice: null,
      plannedQuantity: spec.quantity,
      sentQuantity: spec.quantity,
      filledQuantity: 0,
      estimatedPrice: spec.estimatedPrice,
      avgPrice: null,
      slippageBps: null,
      commission: 0,
      status,
      orderIds: [11],
      permIds: [911],
      resumed: false,
      notes: [],
      executions: [],
      ...extra,
    };
  };

  it("knows every leg an earlier run sent, ended, with its fills counted once", () => {
    const { t } = tracker();
    const fill = {
      execId: "e1",
      orderId: 11,
      time: "t",
      quantity: 4,
      price: 100,
      commission: 1,
      commissionCurrency: "USD",
    };
    t.absorbLedger([
      ledger("S1", "partial", { executions: [fill] }),
      ledger("S1", "partial", { executions: [fill], orderIds: [11, 13] }),
      ledger("B1", "not-sent", { sentQuantity: 0, orderIds: [], permIds: [] }),
    ]);
    expect(t.isKnownToBroker("S1")).toBe(true);
    expect(t.isSettled("S1")).toBe(true);
    expect(t.isKnownToBroker("B1")).toBe(false);
    const s1 = t.outcomes()[0]!;
    expect(s1).toMatchObject({ filledQuantity: 4, sentQuantity: 10, resumed: true, orderIds: [11, 13] });
    expect(s1.notes).toEqual(["an earlier run sent it (its ledger says partial)"]);
  });

  it("keeps a rejection the ledger recorded, with IB's reason", () => {
    const { t } = tracker();
    t.absorbLedger([ledger("B1", "rejected", { notes: ["rejected by IB: no permission (code 201)"] })]);
    const b1 = t.outcomes()[1]!;
    expect(b1.status).toBe("rejected");
    expect(b1.notes).toEqual(["an earlier run sent it: rejected by IB: no permission (code 201)"]);
  });

  it("lets what IB still reports override the ledger's status", () => {
    const { t } = tracker();
    t.absorbLedger([ledger("B1", "unfilled")]);
    t.absorb([order("B1", "Submitted")], [], true);
    expect(t.isSettled("B1")).toBe(false);
    expect(t.workingOrderIds("B1")).toEqual([11, 12]);
  });
});

describe("LegTracker for one account of a login with several", () => {
  const ours = () => new LegTracker(LEGS, HASH, () => undefined, "DU1234567");

  it("never takes another account's order or fill as the plan's, even with its order id or orderRef", () => {
    const t = ours();
    t.markPlaced("S1", 11, 10);
    // Another client's order 11 (ids are per client) for another account: a status that is not ours.
    t.apply({ kind: "order-status", order: order("S1", "Filled", { account: "DU7654321", orderRef: "x" }) });
    t.apply({ kind: "execution", execution: execution("S1", "E-other", 10, 100, { account: "DU7654321" }) });
    t.absorb([order("B1", "Filled", { account: "DU7654321" })], [], true);
    expect(t.isSettled("S1")).toBe(false);
    expect(t.outcome("S1").filledQuantity).toBe(0);
    expect(t.isKnownToBroker("B1")).toBe(false);

    // The same reports for the plan's own account count.
    t.apply({ kind: "execution", execution: execution("S1", "E-own", 10, 100) });
    expect(t.isSettled("S1")).toBe(true);
  });

  it("counts an order or fill that IB reports without an account as the plan's", () => {
    // The broker adapter reads a missing account (an order or execution message that omits it) as "":
    // dropping those would leave a filled leg looking unfilled.
    const t = ours();
    t.absorb(
      [order("S1", "Filled", { account: "" })],
      [execution("S1", "E1", 10, 100, { account: "" })],
      true,
    );
    expect(t.isKnownToBroker("S1")).toBe(true);
    expect(t.outcome("S1").filledQuantity).toBe(10);
    t.apply({ kind: "execution", execution: execution("B1", "E2", 20, 50, { account: "" }) });
    expect(t.outcome("B1").filledQuantity).toBe(20);
  });
});
