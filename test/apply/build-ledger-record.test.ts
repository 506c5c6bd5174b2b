// The ledger record of one run, built from what the run saw: its outcome word, the orders with their
// fills, slippage and commissions, and the totals in the base currency.
import { describe, expect, it } from "vitest";
import { buildLedgerRecord, type LedgerInput } from "../../src/apply/build-ledger-record.js";
import type { ExecutionResult, LegFill, LegOutcome } from "../../src/apply/execution-types.js";
import type { Plan } from "../../src/core/plan.js";
import { checkScenario } from "./support/check-scenario.js";

const { plan } = checkScenario();
const sell = plan.orders.find((o) => o.side === "SELL")!;
const buy = plan.orders.find((o) => o.side === "BUY")!;

function outcome(
  order: Plan["orders"][number],
  fills: LegFill[],
  extra: Partial<LegOutcome> = {},
): LegOutcome {
  const filled = fills.reduce((sum, f) => sum + f.shares, 0);
  const notional = fills.reduce((sum, f) => sum + f.shares * f.price, 0);
  return {
    leg: order.leg,
    orderRef: `folioctl:${plan.hash.slice(0, 12)}:${order.leg}`,
    side: order.side,
    symbol: order.symbol,
    conId: order.conId,
    currency: order.currency,
    plannedQuantity: order.quantity,
    sentQuantity: order.quantity,
    filledQuantity: filled,
    avgPrice: filled > 0 ? notional / filled : 0,
    estimatedPrice: order.estimatedPrice,
    status: filled === order.quantity ? "filled" : filled > 0 ? "partial" : "unfilled",
    orderIds: [11],
    permIds: [22],
    fills,
    commission: fills.reduce((sum, f) => sum + (f.commission ?? 0), 0),
    resumed: false,
    notes: [],
    ...extra,
  };
}

const fill = (shares: number, price: number, extra: Partial<LegFill> = {}): LegFill => ({
  execId: `e${shares}-${price}`,
  orderId: 11,
  time: "2026-11-24T15:01:00Z",
  shares,
  price,
  ...extra,
});

const run = (execution: Partial<ExecutionResult> | undefined, extra: Partial<LedgerInput> = {}) =>
  buildLedgerRecord({
    plan,
    toolVersion: "9.9.9",
    startedAt: new Date("2026-11-24T15:01:00Z"),
    finishedAt: new Date("2026-11-24T15:02:30Z"),
    ...(execution === undefined
      ? {}
      : { execution: { legs: [], alreadyApplied: false, alreadyAttempted: false, ...execution } }),
    ...extra,
  });

describe("buildLedgerRecord: the run's outcome", () => {
  const filledBoth = [
    outcome(sell, [fill(sell.quantity, sell.estimatedPrice)]),
    outcome(buy, [fill(buy.quantity, buy.estimatedPrice)]),
  ];

  it("says applied only when every leg filled, partial otherwise", () => {
    expect(run({ legs: filledBoth }).outcome).toBe("applied");
    expect(run({ legs: [filledBoth[0]!, outcome(buy, [fill(1, buy.estimatedPrice)])] }).outcome).toBe(
      "partial",
    );
  });

  it("says partial when the run stopped early or failed, even with every leg filled", () => {
    const interrupted = run({ legs: filledBoth, interrupted: "the gateway went away" });
    expect(interrupted.outcome).toBe("partial");
    expect(interrupted.error).toBe("the gateway went away");
    const failed = run({ legs: filledBoth }, { error: "the ledger could not be pushed" });
    expect(failed.outcome).toBe("partial");
    expect(failed.error).toBe("the ledger could not be pushed");
    expect(run({ legs: filledBoth }).error).toBeNull();
  });

  it("says already applied, and partial for a plan whose legs all ended before this run", () => {
    expect(run({ legs: filledBoth, alreadyApplied: true }).outcome).toBe("already-applied");
    expect(run({ legs: filledBoth, alreadyAttempted: true }).outcome).toBe("partial");
  });

  it("says error without an execution, and refused with the refusal's words and differences", () => {
    expect(run(undefined).outcome).toBe("error");
    expect(run(undefined).refusal).toBeNull();
    expect(run(undefined).orders).toEqual([]);
    const refused = run(undefined, {
      refusal: {
        reason: "stale",
        message: "the account changed",
        hint: "make a new plan",
        differences: [{ kind: "cash", subject: "USD", planned: 1000, current: 10 }],
      },
    });
    expect(refused.outcome).toBe("refused");
    expect(refused.refusal).toEqual({
      reason: "stale",
      message: "the account changed",
      hint: "make a new plan",
      differences: [{ kind: "cash", subject: "USD", planned: 1000, current: 10 }],
    });
    const window = run(undefined, { refusal: { reason: "window-closed", message: "closed", hint: "later" } });
    expect(window.refusal?.differences).toEqual([]);
  });

  it("records the plan, the version, the times and the drift", () => {
    const record = run({ legs: filledBoth }, { driftAfter: 0.123456 });
    expect(record).toMatchObject({
      schemaVersion: 1,
      account: plan.account,
      baseCurrency: plan.baseCurrency,
      planHash: plan.hash,
      planCreatedAt: plan.createdAt,
      sourceCommit: plan.sourceCommit ?? null,
      toolVersion: "9.9.9",
      startedAt: "2026-11-24T15:01:00.000Z",
      finishedAt: "2026-11-24T15:02:30.000Z",
      drift: { before: plan.drift.before, planned: plan.drift.after, after: 0.1235 },
    });
    expect(run({ legs: filledBoth }).drift.after).toBeNull();
    const fromCommit = buildLedgerRecord({
      plan: { ...plan, sourceCommit: "abc123" },
      toolVersion: "1",
      startedAt: new Date(0),
      finishedAt: new Date(0),
    });
    expect(fromCommit.sourceCommit).toBe("abc123");
  });
});

describe("buildLedgerRecord: the orders and totals", () => {
  it("records slippage as worse when a buy paid more or a sell got less, and the fills as they came", () => {
    const record = run({
      legs: [
        outcome(sell, [
          fill(sell.quantity, sell.estimatedPrice * 0.99, { commission: 1.25, commissionCurrency: "USD" }),
        ]),
        outcome(buy, [fill(buy.quantity - 1, buy.estimatedPrice * 0.98), fill(1, buy.estimatedPrice * 0.98)]),
      ],
    });
    const [sold, bought] = record.orders;
    expect(sold).toMatchObject({
      leg: sell.leg,
      side: "SELL",
      symbol: sell.symbol,
      orderType: sell.orderType,
      limitPrice: sell.limitPrice ?? null,
      plannedQuantity: sell.quantity,
      filledQuantity: sell.quantity,
      slippageBps: 100,
      commission: 1.25,
      orderIds: [11],
      permIds: [22],
      resumed: false,
    });
    expect(sold?.executions).toEqual([
      {
        execId: `e${sell.quantity}-${sell.estimatedPrice * 0.99}`,
        orderId: 11,
        time: "2026-11-24T15:01:00Z",
        quantity: sell.quantity,
        price: sell.estimatedPrice * 0.99,
        commission: 1.25,
        commissionCurrency: "USD",
      },
    ]);
    expect(bought?.slippageBps).toBe(-200);
    expect(bought?.executions[0]).toMatchObject({ commission: null, commissionCurrency: null });
  });

  it("writes no average price or slippage for a leg without fills, and the order type of a leg the plan lacks", () => {
    const unknown = { ...outcome(buy, []), leg: "L99" };
    const record = run({ legs: [outcome(buy, [], { status: "not-sent", sentQuantity: 0 }), unknown] });
    expect(record.orders[0]).toMatchObject({ avgPrice: null, slippageBps: null, status: "not-sent" });
    expect(record.orders[1]).toMatchObject({ leg: "L99", orderType: "MKT", limitPrice: null });
  });

  it("counts the legs by status and totals the values and commissions in the base currency", () => {
    const eurPlan: Plan = { ...plan, snapshot: { ...plan.snapshot, exchangeRates: { USD: 1, EUR: 1.1 } } };
    const eurBuy = {
      ...outcome(buy, [fill(10, 20, { commission: 2, commissionCurrency: "EUR" })]),
      currency: "EUR",
    };
    const record = buildLedgerRecord({
      plan: eurPlan,
      toolVersion: "1",
      startedAt: new Date(0),
      finishedAt: new Date(0),
      execution: {
        alreadyApplied: false,
        alreadyAttempted: false,
        legs: [
          outcome(sell, [fill(3, 100, { commission: 1 })], { status: "filled" }),
          eurBuy,
          outcome(buy, [], { status: "rejected" }),
          outcome(buy, [], { status: "unfilled" }),
          outcome(buy, [], { status: "not-sent" }),
          outcome(buy, [fill(1, 10)], { status: "partial" }),
        ],
      },
    });
    expect(record.totals).toEqual({
      legs: 6,
      filled: 1,
      partial: 2,
      unfilled: 1,
      rejected: 1,
      notSent: 1,
      // 10 × 20 EUR at 1.1, and 1 × 10 USD; commissions 1 USD and 2 EUR.
      boughtValue: 230,
      soldValue: 300,
      commissions: 3.2,
    });
  });

  it("takes a commission IB charged in the base currency into the order's currency", () => {
    const eurPlan: Plan = { ...plan, snapshot: { ...plan.snapshot, exchangeRates: { USD: 1, EUR: 1.25 } } };
    // IB charged 2.50 USD on a EUR order: the leg's sum holds it as 2.50, which is 2.00 EUR.
    const leg = {
      ...outcome(buy, [
        fill(10, 20, { commission: 2.5, commissionCurrency: "USD" }),
        fill(1, 20, { commission: 1 }),
      ]),
      currency: "EUR",
    };
    const record = buildLedgerRecord({
      plan: eurPlan,
      toolVersion: "1",
      startedAt: new Date(0),
      finishedAt: new Date(0),
      execution: { alreadyApplied: false, alreadyAttempted: false, legs: [leg] },
    });
    expect(record.orders[0]?.commission).toBe(3);
    expect(record.totals.commissions).toBe(3.75);
  });

  it("adds nothing for a fill whose commission IB has not reported yet, whatever its currency", () => {
    const eurPlan: Plan = { ...plan, snapshot: { ...plan.snapshot, exchangeRates: { USD: 1, EUR: 1.25 } } };
    const leg = {
      ...outcome(buy, [fill(10, 20, { commissionCurrency: "USD" }), fill(1, 20, { commission: 1 })]),
      currency: "EUR",
    };
    const record = buildLedgerRecord({
      plan: eurPlan,
      toolVersion: "1",
      startedAt: new Date(0),
      finishedAt: new Date(0),
      execution: { alreadyApplied: false, alreadyAttempted: false, legs: [leg] },
    });
    expect(record.orders[0]?.commission).toBe(1);
    expect(record.orders[0]?.executions[0]).toMatchObject({ commission: null, commissionCurrency: "USD" });
  });
});
