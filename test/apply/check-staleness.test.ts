import { describe, expect, it } from "vitest";
import type { BrokerExecution } from "../../src/broker/broker.js";
import { checkStaleness } from "../../src/apply/check-staleness.js";
import { describeDifference } from "../../src/apply/refusal.js";
import { AAA, BBB, CCC, checkScenario, setPrice } from "./support/check-scenario.js";

const BPS = 50;

describe("checkStaleness: the account must be what the plan saw", () => {
  it("passes the account exactly as planned, and the scenario trades AAA and BBB only", () => {
    const { plan, fresh } = checkScenario();
    expect(plan.orders.map((o) => `${o.side} ${o.symbol}`)).toEqual(["SELL AAA", "BUY BBB"]);
    expect(checkStaleness(plan, fresh(), [], BPS)).toBeUndefined();
  });

  it("refuses cash that went up as well as cash that went down", () => {
    const { plan, fresh } = checkScenario();
    for (const change of [+250, -250]) {
      const now = fresh();
      now.cash.USD = 1000 + change;
      const refusal = checkStaleness(plan, now, [], BPS);
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
    expect(checkStaleness(plan, cent, [], BPS)).toBeUndefined();
    const more = fresh();
    more.cash.USD = 1000.02;
    expect(checkStaleness(plan, more, [], BPS)?.differences).toHaveLength(1);
  });

  it("refuses cash in a currency the plan never saw, beyond a cent, listing currencies in order", () => {
    const { plan, fresh } = checkScenario();
    const cent = fresh();
    cent.cash.EUR = 0.01;
    expect(checkStaleness(plan, cent, [], BPS)).toBeUndefined();
    const now = fresh();
    now.cash.USD = 900;
    now.cash.EUR = 5;
    const refusal = checkStaleness(plan, now, [], BPS);
    expect(refusal?.differences).toEqual([
      { kind: "cash", subject: "EUR", planned: 0, current: 5 },
      { kind: "cash", subject: "USD", planned: 1000, current: 900 },
    ]);
    expect(refusal?.message).toBe(
      `the account or the market changed since the plan was made: ${(refusal?.differences ?? []).map(describeDifference).join("; ")}`,
    );
    expect(refusal?.hint).toMatch(/^Nothing was sent\. `folioctl propose` makes a fresh plan/);
  });

  it("refuses a position that changed, appeared or went away", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    now.positions = now.positions.filter((p) => p.conId !== CCC);
    now.positions.find((p) => p.conId === AAA)!.quantity = 90;
    now.positions.push({ conId: 42, symbol: "NEW", currency: "USD", quantity: 3, avgCost: 1 });
    expect(checkStaleness(plan, now, [], BPS)?.differences).toEqual([
      { kind: "position", subject: "NEW", conId: 42, planned: 0, current: 3 },
      { kind: "position", subject: "AAA", conId: AAA, planned: 100, current: 90 },
      { kind: "position", subject: "CCC", conId: CCC, planned: 5, current: 0 },
    ]);
  });

  it("refuses a traded contract without a live price, but not a held one that is not traded", () => {
    const { plan, fresh } = checkScenario();
    const untraded = fresh();
    setPrice(untraded, CCC, undefined);
    expect(checkStaleness(plan, untraded, [], BPS)).toBeUndefined();

    const traded = fresh();
    setPrice(traded, BBB, undefined);
    const refusal = checkStaleness(plan, traded, [], BPS);
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
      expect(checkStaleness(plan, now, [], BPS), `AAA at ${price}`).toBeUndefined();
    }
    for (const price of [100.51, 99.49]) {
      const now = fresh();
      setPrice(now, AAA, price);
      const [difference] = checkStaleness(plan, now, [], BPS)?.differences ?? [];
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
    const moved = checkStaleness(plan, now, [], BPS)?.differences?.map((d) => d.conId);
    expect(moved).toEqual([AAA, BBB, CCC].sort((a, b) => a - b));
  });

  it("refuses a traded contract the plan itself has no price for", () => {
    const { plan, fresh } = checkScenario();
    const priceless = structuredClone(plan);
    setPrice(priceless.snapshot, BBB, undefined);
    expect(checkStaleness(priceless, fresh(), [], BPS)?.differences).toEqual([
      { kind: "price", subject: "BBB", conId: BBB, planned: 0, current: 50, moveBps: Infinity },
    ]);
  });

  it("checks the price of an untraded holding too: the plan valued the account with it", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    setPrice(now, CCC, 21);
    expect(checkStaleness(plan, now, [], BPS)?.differences).toEqual([
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
    expect(checkStaleness(plan, now, fills, BPS)).toBeUndefined();
    // The same account without those fills to explain it is stale.
    expect(checkStaleness(plan, now, [], BPS)?.differences?.map((d) => d.subject)).toEqual([
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
    expect(checkStaleness(plan, now, [fill], BPS)).toBeUndefined();
  });

  it("charges a fill's commission in the commission's own currency", () => {
    const { plan, fresh } = checkScenario();
    const now = fresh();
    now.positions.find((p) => p.conId === BBB)!.quantity = 12;
    now.cash.USD = 1000 - 2 * 50;
    now.cash.EUR = -0.8;
    const fill = { ...execution("e1", BBB, "BBB", "BUY", 2, 50, 0.8), commissionCurrency: "EUR" };
    expect(checkStaleness(plan, now, [fill], BPS)).toBeUndefined();
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
