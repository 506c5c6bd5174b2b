// The apply report speaks the plan's number format: money with thousands separators, prices as the plan
// writes them, signed slippage with its convention, and numeric columns aligned right.
import { describe, expect, it } from "vitest";
import { buildLedgerRecord } from "../../src/apply/build-ledger-record.js";
import type { LegOutcome } from "../../src/apply/execution-types.js";
import { renderApplyMarkdown, renderApplyText } from "../../src/apply/render-apply-report.js";
import { checkScenario } from "./support/check-scenario.js";

const { plan } = checkScenario({}, [
  { symbol: "AAA", quantity: 1000, price: 100 },
  { symbol: "BBB", quantity: 100, price: 50 },
  { symbol: "CCC", quantity: 5, price: 20 },
]);

function leg(leg: string, fills: { shares: number; price: number }[], commission: number): LegOutcome {
  const order = plan.orders.find((o) => o.leg === leg)!;
  const filled = fills.reduce((sum, f) => sum + f.shares, 0);
  const notional = fills.reduce((sum, f) => sum + f.shares * f.price, 0);
  return {
    leg,
    orderRef: `folioctl:${plan.hash.slice(0, 12)}:${leg}`,
    side: order.side,
    symbol: order.symbol,
    conId: order.conId,
    currency: order.currency,
    plannedQuantity: order.quantity,
    sentQuantity: order.quantity,
    filledQuantity: filled,
    avgPrice: filled > 0 ? notional / filled : 0,
    estimatedPrice: order.estimatedPrice,
    status: filled === order.quantity ? "filled" : "partial",
    orderIds: [1],
    permIds: [2],
    fills: fills.map((f, i) => ({
      execId: `${leg}.${i}`,
      orderId: 1,
      time: "2026-11-24T15:01:00Z",
      shares: f.shares,
      price: f.price,
    })),
    commission,
    resumed: false,
    notes: [],
  };
}

const sell = plan.orders.find((o) => o.side === "SELL")!;
const buy = plan.orders.find((o) => o.side === "BUY")!;
const record = buildLedgerRecord({
  plan,
  toolVersion: plan.toolVersion,
  startedAt: new Date("2026-11-24T15:01:00Z"),
  finishedAt: new Date("2026-11-24T15:02:00Z"),
  driftAfter: 0.4567,
  execution: {
    alreadyApplied: false,
    alreadyAttempted: false,
    legs: [
      // The sell got a little less than planned (worse), the buy paid less (better), in two fills.
      leg(sell.leg, [{ shares: sell.quantity, price: 99.9 }], 1.5),
      leg(
        buy.leg,
        [
          { shares: buy.quantity - 1, price: 49.99 },
          { shares: 1, price: 49.98 },
        ],
        1,
      ),
    ],
  },
});

describe("the apply report's numbers", () => {
  it("plans the scenario the report shows: a sell of AAA and a buy of BBB worth thousands", () => {
    expect([sell.symbol, buy.symbol]).toEqual(["AAA", "BBB"]);
    expect(record.totals.soldValue).toBeGreaterThan(1000);
  });

  it("writes the text report with right-aligned numbers, signed slippage and the plan's number format", () => {
    const text = renderApplyText(record).replace(plan.hash.slice(0, 12), "<hash12>");
    const lines = text.split("\n");
    expect(lines[0]).toBe("Apply of plan <hash12> for DU1234567: applied in full");
    const header = lines[1] ?? "";
    const rows = lines.slice(2, 4);
    // Each numeric cell ends where its header ends.
    for (const title of ["PLANNED", "FILLED", "AVG PRICE", "PLAN PRICE", "SLIPPAGE BPS", "COMMISSION"]) {
      const end = header.indexOf(title) + title.length;
      for (const row of rows) expect(row.charAt(end - 1), `${title} in ${row}`).not.toBe(" ");
      for (const row of rows) expect(row.charAt(end), `${title} in ${row}`).toBe(" ");
    }
    // The average of 746 at 49.99 and 1 at 49.98 is 49.98998...: shown to the 4 decimals a tick may need.
    expect(rows[0]).toMatch(/ AAA +[\d,]+ +[\d,]+ +99\.90 +100\.00 +\+10\.0 +1\.50 +USD +filled$/);
    expect(rows[1]).toMatch(/ BBB +[\d,]+ +[\d,]+ +49\.99 +50\.00 +-2\.0 +1\.00 +USD +filled$/);
    expect(lines[4]).toBe(
      "slippage: the average fill price against the plan's price, in basis points; + is worse for the account (paid more, got less), - is better",
    );
    const money = (n: number): string =>
      n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(lines[5]).toBe(
      `2/2 legs filled, 0 partial, 0 unfilled, 0 rejected, 0 not sent; bought ${money(record.totals.boughtValue)} USD, sold ${money(record.totals.soldValue)} USD, commissions 2.50 USD`,
    );
    expect(lines[5]).toMatch(/sold \d{1,3}(,\d{3})+\.\d\d USD/);
    expect(lines[6]).toMatch(/^drift: \d+\.\d\d% before, \d+\.\d\d% planned, 0\.46% after$/);
  });

  it("aligns the comment's numeric columns right and says the slippage convention", () => {
    const markdown = renderApplyMarkdown(record);
    const table = markdown.split("\n").filter((line) => line.startsWith("|"));
    expect(table[0]).toBe(
      "| Leg | Side | Symbol | Planned | Filled | Avg price | Plan price | Slippage bps | Commission | Ccy | Status |",
    );
    expect(table[1]).toBe("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    expect(table[2]).toContain("| 99.90 | 100.00 | +10.0 | 1.50 | USD | filled |");
    expect(markdown).toContain("+ is worse for the account (paid more, got less)");
    expect(markdown).toMatch(/sold \d{1,3}(,\d{3})+\.\d\d USD/);
  });
});
