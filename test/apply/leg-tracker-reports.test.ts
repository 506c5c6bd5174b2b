// What the leg tracker reports as it goes (progress events, notes) and what it makes of IB's words for an
// order's end, of an earlier run's ledger, and of fills a resumed run finds.
import { describe, expect, it } from "vitest";
import type { BrokerExecution, BrokerOrder } from "../../src/broker/broker.js";
import type { ExecutableLeg, ProgressEvent } from "../../src/apply/execution-types.js";
import type { LedgerOrder } from "../../src/apply/ledger.js";
import { LegTracker } from "../../src/apply/leg-tracker.js";
import { belongsToPlan, orderRefFor } from "../../src/apply/order-ref.js";
import { usStock as contract } from "./support/us-stock.js";

const HASH = "abcdef0123456789".repeat(4);
const ref = (leg: string) => `folioctl:abcdef012345:${leg}`;
const LEG: ExecutableLeg = {
  leg: "B1",
  side: "BUY",
  quantity: 20,
  orderType: "MKT",
  estimatedPrice: 50,
  contract: contract(2, "BBB"),
};

function tracker() {
  const events: ProgressEvent[] = [];
  return { t: new LegTracker([LEG], HASH, (e) => events.push(e)), events };
}

const execution = (execId: string, shares: number, price: number, extra: Partial<BrokerExecution> = {}) =>
  ({
    execId,
    orderId: 12,
    permId: 912,
    orderRef: ref("B1"),
    account: "DU1234567",
    conId: 2,
    symbol: "BBB",
    side: "BUY",
    shares,
    price,
    time: "20261124 10:00:00",
    ...extra,
  }) satisfies BrokerExecution;

const order = (status: string, extra: Partial<BrokerOrder> = {}): BrokerOrder => ({
  orderId: 12,
  permId: 912,
  clientId: 11,
  account: "DU1234567",
  conId: 2,
  symbol: "BBB",
  side: "BUY",
  quantity: 20,
  filled: 0,
  remaining: 20,
  avgFillPrice: 0,
  orderType: "MKT",
  orderRef: ref("B1"),
  status,
  ...extra,
});

const ledger = (status: LedgerOrder["status"], extra: Partial<LedgerOrder> = {}): LedgerOrder => ({
  leg: "B1",
  orderRef: ref("B1"),
  side: "BUY",
  symbol: "BBB",
  conId: 2,
  currency: "USD",
  orderType: "MKT",
  limitPrice: null,
  plannedQuantity: 20,
  sentQuantity: 20,
  filledQuantity: 0,
  estimatedPrice: 50,
  avgPrice: null,
  slippageBps: null,
  commission: 0,
  status,
  orderIds: [12],
  permIds: [912],
  resumed: false,
  notes: [],
  executions: [],
  ...extra,
});

describe("orderRef", () => {
  it("is folioctl, the plan hash's first 12 hex digits and the leg; only this plan's belong to it", () => {
    expect(orderRefFor(HASH, "B1")).toBe("folioctl:abcdef012345:B1");
    expect(belongsToPlan("folioctl:abcdef012345:S3", HASH)).toBe(true);
    expect(belongsToPlan("folioctl:abcdef012346:S3", HASH)).toBe(false);
    expect(belongsToPlan("folioctl:abcdef012345", HASH)).toBe(false);
    expect(belongsToPlan("x folioctl:abcdef012345:S3", HASH)).toBe(false);
  });
});

describe("a leg nobody sent", () => {
  it("is not sent, with nothing filled and nothing resumed", () => {
    const { t } = tracker();
    expect(t.outcomes()).toEqual([
      {
        leg: "B1",
        orderRef: ref("B1"),
        side: "BUY",
        symbol: "BBB",
        conId: 2,
        currency: "USD",
        plannedQuantity: 20,
        sentQuantity: 0,
        filledQuantity: 0,
        avgPrice: 0,
        estimatedPrice: 50,
        status: "not-sent",
        orderIds: [],
        permIds: [],
        fills: [],
        commission: 0,
        resumed: false,
        notes: [],
      },
    ]);
  });
});

describe("progress as it happens", () => {
  it("reports a fill that came before the acknowledgement at the last fill's price, then notes", () => {
    const { t, events } = tracker();
    t.apply({ kind: "execution", execution: execution("e1", 5, 50.5) });
    t.apply({ kind: "execution", execution: execution("e2", 2, 50.25) });
    t.apply({ kind: "execution", execution: execution("e3", 3, 50.75) });
    t.markPlaced("B1", 12, 20);
    t.note("B1", "something to say");
    expect(events).toEqual([
      { kind: "placed", leg: "B1", symbol: "BBB", side: "BUY", quantity: 20, orderId: 12 },
      { kind: "filled", leg: "B1", symbol: "BBB", filled: 10, quantity: 20, price: 50.75 },
      { kind: "note", leg: "B1", message: "something to say" },
    ]);
    expect(t.outcome("B1").notes).toEqual(["something to say"]);
  });

  it("reports a cancellation, by IB or through the API, with what filled", () => {
    for (const status of ["Cancelled", "ApiCancelled"]) {
      const { t, events } = tracker();
      t.markPlaced("B1", 12, 20);
      t.apply({ kind: "execution", execution: execution("e1", 5, 50) });
      t.apply({ kind: "order-status", order: order("Submitted") });
      t.apply({ kind: "order-status", order: order(status) });
      expect(
        events.filter((e) => e.kind === "cancelled"),
        status,
      ).toEqual([{ kind: "cancelled", leg: "B1", symbol: "BBB", filled: 5, quantity: 20 }]);
      expect(t.outcomes()[0]?.status).toBe("partial");
    }
  });

  it("calls a leg that was sent and ended without a fill unfilled, not unsent", () => {
    const { t } = tracker();
    t.markPlaced("B1", 12, 20);
    t.apply({ kind: "order-status", order: order("Cancelled") });
    expect(t.outcomes()[0]).toMatchObject({
      status: "unfilled",
      sentQuantity: 20,
      filledQuantity: 0,
      avgPrice: 0,
    });
  });

  it("finds a status by orderRef when the order id is new to it, and keeps the permId", () => {
    const { t } = tracker();
    t.apply({ kind: "order-status", order: order("Cancelled", { orderId: 77, permId: 977 }) });
    t.apply({
      kind: "order-status",
      order: order("Cancelled", { orderId: 78, permId: 0, orderRef: "other" }),
    });
    expect(t.outcome("B1")).toMatchObject({ orderIds: [77], permIds: [977] });
  });

  it("attaches a commission that arrives after its fill", () => {
    const { t } = tracker();
    t.markPlaced("B1", 12, 20);
    t.apply({ kind: "execution", execution: execution("e1", 20, 50) });
    t.apply({ kind: "commission", execId: "e1", commission: 1.5, currency: "USD" });
    expect(t.outcomes()[0]).toMatchObject({
      commission: 1.5,
      fills: [{ commission: 1.5, commissionCurrency: "USD" }],
    });
  });

  it("rejects with IB's words and code, once", () => {
    const { t, events } = tracker();
    t.markPlaced("B1", 12, 20);
    t.apply({ kind: "order-error", orderId: 12, code: 201, message: "Order rejected - reason: margin" });
    expect(t.outcome("B1").notes).toEqual(["rejected by IB: Order rejected - reason: margin (code 201)"]);
    expect(events.at(-1)).toEqual({
      kind: "rejected",
      leg: "B1",
      symbol: "BBB",
      message: "Order rejected - reason: margin (code 201)",
    });
  });
});

describe("what the tracker ignores or refuses", () => {
  it("ignores connection events, and refuses a leg it does not know", () => {
    const { t, events } = tracker();
    t.apply({ kind: "connection", state: "lost", message: "gone" });
    expect(events).toEqual([]);
    expect(() => t.outcome("X9")).toThrow("unknown leg X9");
  });

  it("keeps each permId once, however often IB repeats it", () => {
    const { t } = tracker();
    t.markPlaced("B1", 12, 20);
    t.apply({ kind: "order-status", order: order("Submitted", { permId: 912 }) });
    t.apply({ kind: "order-status", order: order("Submitted", { permId: 912 }) });
    t.apply({ kind: "execution", execution: execution("e1", 5, 50, { permId: 912 }) });
    expect(t.outcome("B1")).toMatchObject({ orderIds: [12], permIds: [912] });
  });

  it("reports the live fills of a leg it found already sent, by IB or by an earlier run's ledger", () => {
    const fromIb = tracker();
    fromIb.t.absorb([order("Submitted")], [], true);
    fromIb.t.apply({ kind: "execution", execution: execution("e1", 20, 50) });
    expect(fromIb.events.map((e) => e.kind)).toEqual(["resumed", "filled"]);

    const fromLedger = tracker();
    fromLedger.t.absorbLedger([ledger("unfilled")]);
    fromLedger.t.apply({ kind: "execution", execution: execution("e1", 20, 50) });
    expect(fromLedger.events.map((e) => e.kind)).toEqual(["resumed", "filled"]);
  });
});

describe("a resumed run's view of IB", () => {
  it("announces a leg IB knows as resumed on a resumed read only, and says how it ended", () => {
    const quiet = tracker();
    quiet.t.absorb([order("Cancelled", { filled: 5 })], [], false);
    expect(quiet.events).toEqual([]);
    expect(quiet.t.outcome("B1")).toMatchObject({ resumed: false, notes: [] });

    const { t, events } = tracker();
    t.absorb([order("Cancelled", { filled: 5 })], [], true);
    t.absorb([order("Cancelled", { filled: 5 })], [], true);
    expect(events).toEqual([{ kind: "resumed", leg: "B1", symbol: "BBB", filled: 5, quantity: 20 }]);
    expect(t.outcome("B1")).toMatchObject({
      resumed: true,
      notes: ["an earlier run sent it; IB reports it Cancelled with 5 of 20 filled"],
    });
  });

  it("says nothing of an order that filled whole or is still working", () => {
    for (const o of [order("Filled", { filled: 20 }), order("Submitted")]) {
      const { t } = tracker();
      t.absorb([o], [], true);
      expect(t.outcome("B1").notes, o.status).toEqual([]);
    }
  });

  it("takes an Inactive order with fills as ended part-way, not as rejected", () => {
    const { t } = tracker();
    t.absorb([order("Inactive", { filled: 5 })], [execution("e1", 5, 50)], true);
    t.absorb([order("Inactive", { filled: 0 }), order("Inactive", { filled: 0 })], [], true);
    const outcome = t.outcomes()[0]!;
    expect(outcome.status).toBe("rejected");
    expect(outcome.notes).toEqual([
      "an earlier run sent it; IB reports it Inactive with 5 of 20 filled",
      "rejected by IB: order 912 is Inactive",
    ]);
  });

  it("reads IB's rejection text without its 'Rejected:' prefix, and only as a prefix", () => {
    const cases: [string | undefined, string][] = [
      ["Rejected:   no shorting", "rejected by IB: no shorting"],
      ["Order Rejected: by risk", "rejected by IB: Order Rejected: by risk"],
      [undefined, "rejected by IB: order 912 is Inactive"],
    ];
    for (const [completedStatus, note] of cases) {
      const { t } = tracker();
      t.absorb([order("Inactive", completedStatus === undefined ? {} : { completedStatus })], [], true);
      expect(t.outcome("B1").notes).toEqual([note]);
    }
  });

  it("marks a leg resumed when a resumed read finds only its fills, and reports them", () => {
    const quiet = tracker();
    quiet.t.absorb([], [execution("e1", 20, 50, { orderId: 55, permId: 955 })], false);
    expect(quiet.t.outcome("B1")).toMatchObject({ resumed: false, orderIds: [55], permIds: [955] });
    expect(quiet.events).toEqual([]);

    const { t, events } = tracker();
    t.absorb([], [execution("e1", 20, 50)], true);
    expect(t.outcome("B1").resumed).toBe(true);
    expect(events).toEqual([
      { kind: "filled", leg: "B1", symbol: "BBB", filled: 20, quantity: 20, price: 50 },
    ]);
    expect(t.isSettled("B1")).toBe(true);
  });

  it("does not take a leg it placed itself for a resumed one when a later read finds its fill", () => {
    const { t } = tracker();
    t.markPlaced("B1", 12, 20);
    t.absorb([], [execution("e1", 20, 50)], true);
    expect(t.outcome("B1").resumed).toBe(false);
  });
});

describe("an earlier run's ledger", () => {
  it("announces a leg it sent as resumed once, with its fills and their commissions as recorded", () => {
    const { t, events } = tracker();
    const fill = {
      execId: "e1",
      orderId: 12,
      time: "20261124 10:00:00",
      quantity: 5,
      price: 50,
      commission: 1,
      commissionCurrency: "USD",
    };
    const bare = { ...fill, execId: "e2", quantity: 3, commission: null, commissionCurrency: null };
    t.absorbLedger([ledger("unfilled", { executions: [fill, bare], permIds: [912] }), ledger("unfilled")]);
    expect(events).toEqual([{ kind: "resumed", leg: "B1", symbol: "BBB", filled: 8, quantity: 20 }]);
    const outcome = t.outcomes()[0]!;
    expect(outcome).toMatchObject({ status: "partial", resumed: true, permIds: [912], orderIds: [12] });
    expect(outcome.notes).toEqual(["an earlier run sent it (its ledger says unfilled)"]);
    expect(outcome.fills).toStrictEqual([
      {
        execId: "e1",
        orderId: 12,
        time: "20261124 10:00:00",
        shares: 5,
        price: 50,
        commission: 1,
        commissionCurrency: "USD",
      },
      { execId: "e2", orderId: 12, time: "20261124 10:00:00", shares: 3, price: 50 },
    ]);
    // A leg the ledger records as sent is ended: nothing is followed or sent.
    expect(t.isSettled("B1")).toBe(true);
    expect(t.allEnded()).toBe(true);
  });

  it("keeps one note for a rejection two records hold, and reads the reason from the record", () => {
    const { t } = tracker();
    t.absorbLedger([
      ledger("rejected", { notes: ["a note first", "rejected by IB: margin (code 201)"] }),
      ledger("rejected", { notes: [] }),
    ]);
    expect(t.outcome("B1").notes).toEqual(["an earlier run sent it: rejected by IB: margin (code 201)"]);
    const bare = tracker();
    bare.t.absorbLedger([ledger("rejected")]);
    expect(bare.t.outcome("B1").notes).toEqual(["an earlier run sent it: rejected by IB"]);
  });

  it("leaves a status IB reports now in charge", () => {
    const { t } = tracker();
    t.absorbLedger([ledger("unfilled")]);
    t.absorb([order("Submitted")], [], true);
    expect(t.isSettled("B1")).toBe(false);
    t.apply({ kind: "order-status", order: order("Filled", { filled: 20 }) });
    expect(t.isSettled("B1")).toBe(true);
  });
});
