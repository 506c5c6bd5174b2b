// The checks before sending a plan that converts currency. The live limits count the conversion's cash
// and IB's FX commission as the planner counted them, and refuse a pair that cannot serve the base
// currency. The staleness check of a resumed run moves the plan's snapshot forward by a conversion's
// fill as cash moved between two currencies, not as a holding of the pair.
import { describe, expect, it } from "vitest";
import { checkLiveLimits } from "../../src/apply/check-live-limits.js";
import { checkStaleness } from "../../src/apply/check-staleness.js";
import type { BrokerExecution } from "../../src/broker/broker.js";
import { formatMoney } from "../../src/core/format-number.js";
import { EUR_USD, eurAccount, eurPortfolio } from "../core/eur-account.js";
import { planOk } from "../core/plan-builders.js";
import { LOOP } from "./support/check-scenario.js";

// Large enough that IB's FX commission is its 0.2 basis points, not its 2 USD minimum.
const account = eurAccount({ EUR: 2_000_000, USD: 0 }, { VTI: 200, BND: 1_000, SAP: 300 });
const portfolio = eurPortfolio();
const plan = planOk(portfolio, account);

describe("checkLiveLimits on a plan that converts currency", () => {
  it("plans a conversion large enough for the proportional FX commission", () => {
    const f1 = plan.orders.find((o) => o.leg === "F1")!;
    expect(f1).toMatchObject({ secType: "CASH", symbol: "EUR", currency: "USD", side: "SELL" });
    // 0.2 bp of the value beats the 2 USD minimum from about 92,000 EUR.
    expect(f1.quantity).toBeGreaterThan(200_000);
  });

  it("counts each spent currency's cash after the orders exactly as the planner did", () => {
    // With the account as the plan saw it, less what the planner expects to be left plus one unit, the
    // live check must find each spent currency exactly one unit short: the conversion moves euros into
    // dollars and its commission is paid as the planner counts it. The small account's conversion pays
    // IB's minimum of 2 USD, worth 1.84 EUR at the account's rate.
    const small = eurAccount({ EUR: 40_000, USD: 0 }, { VTI: 20, BND: 100, SAP: 30 });
    for (const [name, snapshot] of [
      ["large", account],
      ["small", small],
    ] as const) {
      const made = planOk(portfolio, snapshot);
      expect(made.orders.some((o) => o.leg === "F1")).toBe(true);
      for (const currency of ["EUR", "USD"]) {
        const left = made.cashAfter[currency]!;
        const now = structuredClone(snapshot);
        now.cash[currency] = (now.cash[currency] ?? 0) - left - 1;
        const message = checkLiveLimits(portfolio, made, now, false, LOOP)?.message ?? "";
        expect(message, `${name} ${currency}`).toContain(
          `${currency} cash would be ${formatMoney(-1)} ${currency} after`,
        );
        now.cash[currency] = (now.cash[currency] ?? 0) + 1;
        expect(checkLiveLimits(portfolio, made, now, false, LOOP), `${name} ${currency}`).toBeUndefined();
      }
    }
  });

  it("refuses a conversion on a pair without the base currency", () => {
    const orders = plan.orders.map((o) => (o.leg === "F1" ? { ...o, symbol: "GBP" } : o));
    const message = checkLiveLimits(
      portfolio,
      { ...plan, orders },
      structuredClone(account),
      false,
      LOOP,
    )?.message;
    expect(message).toContain("F1 converts on GBP.USD, a pair without the base currency EUR");
    // A pair quoted in the base currency serves it.
    const quotedInBase = plan.orders.map((o) =>
      o.leg === "F1" ? { ...o, symbol: "GBP", currency: "EUR" } : o,
    );
    const served = checkLiveLimits(
      portfolio,
      { ...plan, orders: quotedInBase },
      structuredClone(account),
      false,
      LOOP,
    );
    expect(served?.message).not.toContain("a pair without the base currency");
  });
});

describe("checkStaleness after a conversion's fill", () => {
  // Half the conversion filled: 800,000 EUR sold for dollars at 1.0871, IB's commission 17.40.
  const fill = (commissionCurrency: string): BrokerExecution => ({
    execId: "0001f4e8.fx.01",
    orderId: 7,
    permId: 907,
    orderRef: `folioctl:${plan.hash.slice(0, 12)}:F1`,
    account: "DU1234567",
    conId: EUR_USD,
    symbol: "EUR",
    side: "SELL",
    shares: 800_000,
    price: 1.0871,
    time: "20261124 15:01:00",
    commission: 17.4,
    commissionCurrency,
  });
  const afterFill = (feeCurrency: string) => {
    const now = structuredClone(account);
    now.cash["EUR"] = account.cash["EUR"]! - 800_000;
    now.cash["USD"] = account.cash["USD"]! + 800_000 * 1.0871;
    now.cash[feeCurrency] = now.cash[feeCurrency]! - 17.4;
    return now;
  };

  it("moves euros into dollars, the commission in the base currency when IB names none", () => {
    const now = afterFill("EUR");
    expect(checkStaleness(plan, now, [fill("")], 50, LOOP)).toBeUndefined();
    expect(checkStaleness(plan, now, [fill("EUR")], 50, LOOP)).toBeUndefined();
    // Without the fill to explain it, both currencies moved, and no holding did.
    expect(
      checkStaleness(plan, now, [], 50, LOOP)?.differences?.map((d) => `${d.kind} ${d.subject}`),
    ).toEqual(["cash EUR", "cash USD"]);
  });

  it("charges the commission in the currency IB names", () => {
    const now = afterFill("USD");
    expect(checkStaleness(plan, now, [fill("USD")], 50, LOOP)).toBeUndefined();
    expect(checkStaleness(plan, now, [fill("")], 50, LOOP)?.differences?.map((d) => d.subject)).toEqual([
      "EUR",
      "USD",
    ]);
  });
});
