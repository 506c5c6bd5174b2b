import { describe, expect, it } from "vitest";
import { checkLiveLimits } from "../../src/apply/check-live-limits.js";
import { formatMoney } from "../../src/core/format-number.js";
import { eurAccount, eurPortfolio } from "../core/eur-account.js";
import { makePortfolio, makeSnapshot, planOk } from "../core/plan-builders.js";
import { AAA, BBB, CCC, LOOP, checkScenario, setPrice } from "./support/check-scenario.js";

describe("checkLiveLimits: the guardrails again on live numbers", () => {
  it("passes the plan on the account it was made from", () => {
    const { portfolio, plan, fresh } = checkScenario();
    expect(checkLiveLimits(portfolio, plan, fresh(), false, LOOP)).toBeUndefined();
  });

  it("refuses a sell of more than the account holds now (a short sale), unless the run is resuming", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const sell = plan.orders.find((o) => o.side === "SELL")!;
    const now = fresh();
    now.positions.find((p) => p.conId === AAA)!.quantity = sell.quantity - 1;
    const refusal = checkLiveLimits(portfolio, plan, now, false, LOOP);
    expect(refusal?.reason).toBe("limit");
    expect(refusal?.message).toContain(
      `S1 sells ${sell.quantity} AAA but the account holds ${sell.quantity - 1}: that would be a short sale`,
    );
    // Exactly what is held may be sold.
    now.positions.find((p) => p.conId === AAA)!.quantity = sell.quantity;
    expect(checkLiveLimits(portfolio, plan, now, false, LOOP)).toBeUndefined();
    // A resumed run's own fills already sold some of it: the executor sizes what is left.
    now.positions.find((p) => p.conId === AAA)!.quantity = 1;
    expect(checkLiveLimits(portfolio, plan, now, true, LOOP)).toBeUndefined();
  });

  it("refuses a sell of a position the account no longer holds at all", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const now = fresh();
    now.positions = now.positions.filter((p) => p.conId !== AAA);
    expect(checkLiveLimits(portfolio, plan, now, false, LOOP)?.message).toMatch(
      /S1 sells \d+ AAA but the account holds 0: that would be a short sale/,
    );
  });

  it("refuses buys that live cash cannot pay for, counting what the sells bring in", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const sell = plan.orders.find((o) => o.side === "SELL")!;
    const buy = plan.orders.find((o) => o.side === "BUY")!;
    // Cash alone pays for less than the buy: only the sell's proceeds make it affordable.
    expect(buy.estimatedValue).toBeGreaterThan(1000);
    expect(checkLiveLimits(portfolio, plan, fresh(), false, LOOP)).toBeUndefined();
    // Cash one dollar short of buy + commissions - sell proceeds.
    const needed =
      buy.estimatedValue + buy.estimatedCommission + sell.estimatedCommission - sell.estimatedValue;
    const short = fresh();
    short.cash.USD = needed - 1;
    const refusal = checkLiveLimits(portfolio, plan, short, false, LOOP);
    expect(refusal?.reason).toBe("limit");
    expect(refusal?.message).toContain(
      "USD cash would be -1.00 USD after the orders that spend it (B1 BBB): 1.00 USD short",
    );
    const enough = fresh();
    enough.cash.USD = needed;
    expect(checkLiveLimits(portfolio, plan, enough, false, LOOP)).toBeUndefined();
    // A resumed run's cash already paid for its own fills: the executor sizes the buys instead.
    expect(checkLiveLimits(portfolio, plan, short, true, LOOP)).toBeUndefined();
  });

  it("values the buys at the live price, not the plan's", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const sell = plan.orders.find((o) => o.side === "SELL")!;
    const buy = plan.orders.find((o) => o.side === "BUY")!;
    const needed =
      buy.estimatedValue + buy.estimatedCommission + sell.estimatedCommission - sell.estimatedValue;
    const now = fresh();
    now.cash.USD = needed + 1;
    setPrice(now, BBB, 50.2);
    expect(checkLiveLimits(portfolio, plan, now, false, LOOP)?.message).toMatch(/USD cash would be -\d/);
  });

  it("values an order in the base currency at the live exchange rate", () => {
    const targets = [
      { symbol: "AAA", weight: 60, currency: "EUR" },
      { symbol: "BBB", weight: 40, currency: "EUR" },
    ];
    const holdings = [
      { symbol: "AAA", quantity: 100, price: 100, currency: "EUR" },
      { symbol: "BBB", quantity: 10, price: 50, currency: "EUR" },
    ];
    const snapshot = makeSnapshot(holdings, { cash: { EUR: 1000, USD: 0 }, rates: { USD: 1, EUR: 2 } });
    const plan = planOk(makePortfolio(targets), snapshot);
    const sell = plan.orders.find((o) => o.side === "SELL")!;
    expect(sell).toMatchObject({ currency: "EUR", estimatedValueBase: sell.estimatedValue * 2 });
    // A limit between the order's value in EUR and its value in USD.
    const portfolio = makePortfolio(targets, {
      limits: { maxOrderValue: sell.estimatedValue * 1.5, maxTurnover: 200 },
    });
    const refusal = checkLiveLimits(portfolio, plan, structuredClone(snapshot), false, LOOP);
    expect(refusal?.message).toContain(
      `S1 SELL ${sell.quantity} AAA is worth about ${formatMoney(sell.estimatedValue * 2)} USD, over limits.maxOrderValue`,
    );
  });

  it("refuses an order without a live price or without a live exchange rate", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const noPrice = fresh();
    setPrice(noPrice, BBB, undefined);
    expect(checkLiveLimits(portfolio, plan, noPrice, false, LOOP)?.message).toContain(
      "B1 BBB has no live price: its value cannot be checked",
    );
    const noRate = fresh();
    noRate.exchangeRates = {};
    expect(checkLiveLimits(portfolio, plan, noRate, false, LOOP)?.message).toContain(
      "S1 AAA is in USD, which has no live exchange rate",
    );
  });

  it("refuses turnover over the limit against the live net liquidation value", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const turnover = plan.orders.reduce((sum, o) => sum + o.estimatedValueBase, 0);
    const now = fresh();
    // The same orders are 2x the live net liquidation value when it halves.
    now.netLiquidation = turnover / 2.5;
    expect(checkLiveLimits(portfolio, plan, now, false, LOOP)?.message).toMatch(
      /250\.00% of net liquidation value, over limits\.maxTurnover \(200%\)/,
    );
  });

  it("refuses an order for a contract portfolio.yaml does not trade, unless it sells an unmanaged holding under unmanaged: sell", () => {
    const { portfolio, plan } = checkScenario();
    const ccc = {
      ...plan.orders[0]!,
      leg: "S2",
      conId: CCC,
      symbol: "CCC",
      side: "SELL" as const,
      quantity: 5,
      estimatedPrice: 20,
      estimatedValue: 100,
      estimatedValueBase: 100,
    };
    const withCcc = { ...plan, orders: [...plan.orders, ccc] };
    const warn = checkLiveLimits(portfolio, withCcc, plan.snapshot, false, LOOP);
    expect(warn?.message).toContain(
      `S2 sells 5 CCC (conId ${CCC}), which is neither a target in portfolio.yaml nor a position sold under \`trading.unmanaged: sell\``,
    );
    const sells = { ...portfolio, trading: { ...portfolio.trading, unmanaged: "sell" as const } };
    expect(checkLiveLimits(sells, withCcc, plan.snapshot, false, LOOP)).toBeUndefined();
    // Not in buy-only mode, and never a buy.
    const buyOnly = { ...sells, trading: { ...sells.trading, mode: "buy-only" as const } };
    expect(checkLiveLimits(buyOnly, withCcc, plan.snapshot, false, LOOP)?.message).toContain(
      `S2 sells 5 CCC (conId ${CCC}), which is neither a target`,
    );
    const buyCcc = { ...plan, orders: [...plan.orders, { ...ccc, leg: "B2", side: "BUY" as const }] };
    expect(checkLiveLimits(sells, buyCcc, plan.snapshot, false, LOOP)?.message).toContain("B2 buys 5 CCC");
  });

  it("never counts a short position as held: selling more of it is not selling an unmanaged holding", () => {
    const { plan } = checkScenario();
    const sells = makePortfolio(
      [
        { symbol: "AAA", weight: 60 },
        { symbol: "BBB", weight: 40 },
      ],
      { trading: { unmanaged: "sell" } },
    );
    const short = structuredClone(plan.snapshot);
    short.positions.find((p) => p.conId === CCC)!.quantity = -5;
    const ccc = { ...plan.orders[0]!, leg: "S2", conId: CCC, symbol: "CCC", quantity: 5 };
    const refusal = checkLiveLimits(sells, { ...plan, orders: [...plan.orders, ccc] }, short, false, LOOP);
    expect(refusal?.message).toContain(`S2 sells 5 CCC (conId ${CCC}), which is neither a target`);
  });

  it("takes a target pinned by conId as a target even when IB no longer lists its contract", () => {
    const pinned = checkScenario();
    const portfolio = {
      ...pinned.portfolio,
      targets: pinned.portfolio.targets.map((t) => (t.symbol === "BBB" ? { ...t, conId: BBB } : t)),
    };
    const now = pinned.fresh();
    now.contracts = now.contracts.filter((c) => c.conId !== BBB);
    expect(checkLiveLimits(portfolio, pinned.plan, now, false, LOOP)).toBeUndefined();
  });

  it("lists every problem in one refusal and says how to go on", () => {
    const { portfolio, plan, fresh } = checkScenario();
    const now = fresh();
    setPrice(now, BBB, undefined);
    now.exchangeRates = {};
    const refusal = checkLiveLimits(portfolio, plan, now, false, LOOP);
    expect(refusal?.message).toBe(
      "the plan would cross a limit at today's prices: S1 AAA is in USD, which has no live exchange rate; " +
        "B1 BBB has no live price: its value cannot be checked",
    );
    expect(refusal?.hint).toMatch(/^Nothing was sent\. Change `limits:` in portfolio\.yaml on main/);
  });

  it("lets a resumed run sell an unmanaged holding its own fills already sold", () => {
    const { portfolio, plan } = checkScenario({ trading: { unmanaged: "sell" } });
    const ccc = plan.orders.find((o) => o.symbol === "CCC")!;
    expect(ccc.side).toBe("SELL");
    const sold = structuredClone(plan.snapshot);
    sold.positions = sold.positions.filter((p) => p.conId !== CCC);
    sold.cash.USD = (sold.cash.USD ?? 0) + ccc.estimatedValue;
    expect(checkLiveLimits(portfolio, plan, sold, true, LOOP)).toBeUndefined();
    expect(checkLiveLimits(portfolio, plan, sold, false, LOOP)?.message).toContain("neither a target");
  });

  it("checks a conversion as cash moved between two currencies, and refuses one portfolio.yaml forbids", () => {
    const portfolio = eurPortfolio();
    const account = eurAccount({ EUR: 40_000, USD: 0 }, { VTI: 20, BND: 100, SAP: 30 });
    const plan = planOk(portfolio, account);
    const f1 = plan.orders.find((o) => o.leg === "F1")!;
    expect(f1).toMatchObject({ secType: "CASH", side: "SELL" });
    // Selling euros on EUR.USD is no short sale of a pair the account does not hold, nor an untraded contract.
    expect(checkLiveLimits(portfolio, plan, structuredClone(account), false, LOOP)).toBeUndefined();
    // The euros the conversion sells must be there: one euro short of it (and the SAP buy) is refused.
    const sap = plan.orders.find((o) => o.symbol === "SAP")!;
    const needed = f1.quantity + sap.estimatedValue + sap.estimatedCommission + 2;
    const short = structuredClone(account);
    short.cash["EUR"] = needed - 5;
    expect(checkLiveLimits(portfolio, plan, short, false, LOOP)?.message).toMatch(
      /EUR cash would be -[\d,.]+ EUR after the orders that spend it \(F1 EUR\.USD, B\d SAP\)/,
    );
    // A hand-made plan with a conversion, under a portfolio.yaml that forbids them.
    const forbids = eurPortfolio({ fx: { mode: "forbid", minOrder: 100, limitOffsetBps: 5, sweep: false } });
    expect(checkLiveLimits(forbids, plan, structuredClone(account), false, LOOP)?.message).toContain(
      "F1 converts on EUR.USD, but fx.mode in portfolio.yaml is forbid",
    );
  });
});
