import { describe, expect, it } from "vitest";
import type { BrokerExecution } from "../../src/broker/broker.js";
import { checkStaleness } from "../../src/apply/check-staleness.js";
import { describeDifference } from "../../src/apply/refusal.js";
import { localContext } from "../../src/apply/refusal-hints.js";
import { AAA, BBB, CCC, LOOP, checkScenario, setPrice } from "./support/check-scenario.js";

const BPS = 50;

describe("checkStaleness: the account must be what the plan saw", () => {
  it("passes the account exactly as planned, and the scenario trades AAA and BBB only", () => {
    const { plan, fresh } = checkScenario();
    expect(plan.orders.map((o) => `${o.side} ${o.symbol}`)).toEqual(["SELL AAA", "BUY BBB"]);
    expect(checkStaleness(plan, fresh(), [], BPS, LOOP)).toBeUndefined();
  });

  it("refuses cash that went up as well as cash that went down", () => {
    const { plan, fresh } = checkScenario();
    for (const change of [+250, -250]) {
      const now = fresh();
      now.cash.USD = 1000 + change;
      const refusal = checkStaleness(plan, now, [], BPS, LOOP);
      expect(refusal?.reason, `cash ${change}`).toBe("stale");
      expect(refusal?.differences).toEqual([
        { kind: "cash", subject: "USD", planned: 1000, current: 1000 + change },
      ]);
    }
  });

  it("allows a cent of cash rounding, not more", () => {
    const { plan, fresh } = checkScenario();
    const cent = fresh();
    cent.cash.USD = 1000.01;
    expect(checkStaleness(plan, cent, [], BPS, LOOP)).toBeUndefined();
    const more = fresh();
    more.cash.USD = 1000.02;
    expect(checkStaleness(plan, more, [], BPS, LOOP)?.differences).toHaveLength(1);
  });

  it("refuses cash in a currency the plan never saw, beyond a cent, listing currencies in order", () => {
    const { plan, fresh } = checkScenario();
    const cent = fresh();
    cent.cash.EUR = 0.01;
    expect(checkStaleness(plan, cent, [], BPS, LOOP)).toBeUndefined();
    const now = fresh();
    now.cash.USD = 900;
    now.cash.EUR = 5;
    const refusal = checkStaleness(plan, now, [], BPS, LOOP);
    expect(refusal?.differences).toEqual([
      { kind: "cash", subject: "EUR", planned: 0, current: 5 },
      { kind: "cash", subject: "USD", planned: 1000, current: 900 },
    ]);
    // The differences are listed once, by whoever shows the refusal: the message only counts them.
    expect(refusal?.message).toBe("the account changed since the plan was made (2 differences)");
    expect((refusal?.differences ?? []).map(describeDifference)).toEqual([
      "EUR cash: planned 0.00, now 5.00",
      "USD cash: planned 1,000.00, now 900.00",
    ]);
  });

  it("refuses a position that changed, appeared or went away", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    now.positions = now.positions.filter((p) => p.conId !== CCC);
    now.positions.find((p) => p.conId === AAA)!.quantity = 90;
    now.positions.push({ conId: 42, symbol: "NEW", currency: "USD", quantity: 3, avgCost: 1 });
    expect(checkStaleness(plan, now, [], BPS, LOOP)?.differences).toEqual([
      { kind: "position", subject: "NEW", conId: 42, planned: 0, current: 3 },
      { kind: "position", subject: "AAA", conId: AAA, planned: 100, current: 90 },
      { kind: "position", subject: "CCC", conId: CCC, planned: 5, current: 0 },
    ]);
  });

  it("refuses a traded contract without a live price, but not a held one that is not traded", () => {
    const { plan, fresh } = checkScenario();
    const untraded = fresh();
    setPrice(untraded, CCC, undefined);
    expect(checkStaleness(plan, untraded, [], BPS, LOOP)).toBeUndefined();

    const traded = fresh();
    setPrice(traded, BBB, undefined);
    const refusal = checkStaleness(plan, traded, [], BPS, LOOP);
    expect(refusal?.reason).toBe("stale");
    expect(refusal?.differences).toEqual([
      { kind: "price", subject: "BBB", conId: BBB, planned: 50, current: 0, moveBps: Infinity },
    ]);
  });

  it("allows a move of exactly priceMoveBps, up or down, and refuses one past it", () => {
    const { plan, fresh } = checkScenario();
    for (const price of [100.5, 99.5]) {
      const now = fresh();
      setPrice(now, AAA, price);
      expect(checkStaleness(plan, now, [], BPS, LOOP), `AAA at ${price}`).toBeUndefined();
    }
    for (const price of [100.51, 99.49]) {
      const now = fresh();
      setPrice(now, AAA, price);
      const [difference] = checkStaleness(plan, now, [], BPS, LOOP)?.differences ?? [];
      expect(difference, `AAA at ${price}`).toMatchObject({ kind: "price", subject: "AAA", planned: 100 });
      expect(difference!.moveBps).toBeCloseTo(51, 6);
    }
  });

  it("lists moved prices in conId order, whatever the order of the quotes", () => {
    const { plan: made, fresh } = checkScenario();
    const plan = structuredClone(made);
    plan.snapshot.quotes.reverse();
    const now = fresh();
    setPrice(now, CCC, 21);
    setPrice(now, AAA, 90);
    setPrice(now, BBB, 60);
    const moved = checkStaleness(plan, now, [], BPS, LOOP)?.differences?.map((d) => d.conId);
    expect(moved).toEqual([AAA, BBB, CCC].sort((a, b) => a - b));
  });

  it("refuses a traded contract the plan itself has no price for", () => {
    const { plan, fresh } = checkScenario();
    const priceless = structuredClone(plan);
    setPrice(priceless.snapshot, BBB, undefined);
    expect(checkStaleness(priceless, fresh(), [], BPS, LOOP)?.differences).toEqual([
      { kind: "price", subject: "BBB", conId: BBB, planned: 0, current: 50, moveBps: Infinity },
    ]);
  });

  it("checks the price of an untraded holding too: the plan valued the account with it", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    setPrice(now, CCC, 21);
    expect(checkStaleness(plan, now, [], BPS, LOOP)?.differences).toEqual([
      expect.objectContaining({ kind: "price", subject: "CCC", planned: 20, current: 21 }),
    ]);
  });

  it("moves the plan's snapshot forward by this plan's own fills, commissions included", () => {
    const { plan, fresh } = checkScenario();
    const sell = plan.orders.find((o) => o.side === "SELL")!;
    const buy = plan.orders.find((o) => o.side === "BUY")!;
    const fills: BrokerExecution[] = [
      execution("e1", AAA, "AAA", "SELL", 10, 100.2, 1.25),
      execution("e2", BBB, "BBB", "BUY", 4, 49.9, 1),
    ];
    const now = fresh();
    now.positions.find((p) => p.conId === AAA)!.quantity = 100 - 10;
    now.positions.find((p) => p.conId === BBB)!.quantity = 10 + 4;
    now.cash.USD = 1000 + 10 * 100.2 - 1.25 - 4 * 49.9 - 1;
    expect(sell.quantity).toBeGreaterThan(10);
    expect(buy.quantity).toBeGreaterThan(4);
    expect(checkStaleness(plan, now, fills, BPS, LOOP)).toBeUndefined();
    // The same account without those fills to explain it is stale.
    expect(checkStaleness(plan, now, [], BPS, LOOP)?.differences?.map((d) => d.subject)).toEqual([
      "AAA",
      "BBB",
      "USD",
    ]);
  });

  it("takes a fill's currency from the position when the snapshot lists no contract for it", () => {
    const { plan: made, fresh } = checkScenario();
    const plan = structuredClone(made);
    plan.snapshot.contracts = plan.snapshot.contracts.filter((c) => c.conId !== AAA);
    plan.snapshot.positions.find((p) => p.conId === AAA)!.currency = "EUR";
    plan.snapshot.cash.EUR = 0;
    const now = fresh();
    now.contracts = now.contracts.filter((c) => c.conId !== AAA);
    now.positions.find((p) => p.conId === AAA)!.quantity = 90;
    now.cash.EUR = 10 * 100;
    now.cash.USD = 1000 - 1;
    const fill = execution("e1", AAA, "AAA", "SELL", 10, 100, 1);
    expect(checkStaleness(plan, now, [fill], BPS, LOOP)).toBeUndefined();
  });

  it("charges a fill's commission in the commission's own currency", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    now.positions.find((p) => p.conId === BBB)!.quantity = 12;
    now.cash.USD = 1000 - 2 * 50;
    now.cash.EUR = -0.8;
    const fill = { ...execution("e1", BBB, "BBB", "BUY", 2, 50, 0.8), commissionCurrency: "EUR" };
    expect(checkStaleness(plan, now, [fill], BPS, LOOP)).toBeUndefined();
  });
});

describe("checkStaleness: the hint fits what changed and where apply ran", () => {
  const LOCAL = localContext("ops/portfolio.yaml", "plans/DU1234567.plan.json");

  it("asks for a new plan, never for a wider tolerance, when a position changed", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    now.positions.find((p) => p.conId === AAA)!.quantity = 90;
    setPrice(now, BBB, 60);
    const local = checkStaleness(plan, now, [], BPS, LOCAL);
    expect(local?.message).toBe("the account and the market changed since the plan was made (2 differences)");
    expect(local?.hint).toBe(
      "Nothing was sent. Make a new plan with `folioctl plan --portfolio ops/portfolio.yaml --out plans/DU1234567.plan.json`, review it, and apply that.",
    );
    expect(checkStaleness(plan, now, [], BPS, LOOP)?.hint).toBe(
      "Nothing was sent. Run `folioctl propose` (or wait for the scheduled run) and review the new plan.",
    );
  });

  it("offers priceMoveBps, in the file apply read, when only prices moved", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    setPrice(now, AAA, 99);
    const local = checkStaleness(plan, now, [], BPS, LOCAL);
    expect(local?.message).toBe("the market changed since the plan was made (1 difference)");
    expect(local?.hint).toMatch(
      /^Nothing was sent\. Make a new plan with `folioctl plan .*`, review it, and apply that\. If prices move this much routinely, raise `tolerances\.priceMoveBps` in ops\/portfolio\.yaml\.$/,
    );
    expect(checkStaleness(plan, now, [], BPS, LOOP)?.hint).toContain(
      "raise `tolerances.priceMoveBps` in portfolio.yaml on main",
    );
    expect(describeDifference(local!.differences![0]!)).toBe(
      "AAA price: planned 100.00, now 99.00 (-100.0 bps)",
    );
  });

  it("says a missing price needs market data, and offers no tolerance for it", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    setPrice(now, BBB, undefined);
    const hint = checkStaleness(plan, now, [], BPS, LOCAL)?.hint ?? "";
    expect(hint).toContain("A contract without a price needs market data from the gateway first.");
    expect(hint).not.toContain("priceMoveBps");
  });
});

function execution(
  execId: string,
  conId: number,
  symbol: string,
  side: "BUY" | "SELL",
  shares: number,
  price: number,
  commission: number,
): BrokerExecution {
  return {
    execId,
    orderId: 1,
    permId: 1,
    orderRef: `folioctl:000000000000:${side === "BUY" ? "B1" : "S1"}`,
    account: "DU1234567",
    conId,
    symbol,
    side,
    shares,
    price,
    time: "20261124 15:01:00",
    commission,
    commissionCurrency: "USD",
  };
}
