// The apply report speaks the plan's number format: money with thousands separators, prices as the plan
// writes them, signed slippage with its convention, and numeric columns aligned right.
import { describe, expect, it } from "vitest";
import { buildLedgerRecord } from "../../src/apply/build-ledger-record.js";
import type { LegOutcome } from "../../src/apply/execution-types.js";
import type { LedgerRecord } from "../../src/apply/ledger.js";
import {
  APPLY_REPORT_MARKER,
  renderApplyMarkdown,
  renderApplyText,
} from "../../src/apply/render-apply-report.js";
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

describe("the apply report's headline and sections", () => {
  const at = { toolVersion: plan.toolVersion, startedAt: new Date(0), finishedAt: new Date(0) };
  const filled = record.orders;
  const withOrders = (orders: LedgerRecord["orders"], changes: Partial<LedgerRecord> = {}): LedgerRecord => ({
    ...record,
    outcome: "partial",
    orders,
    ...changes,
  });
  const first = (text: string) => text.split("\n")[0]?.replace(plan.hash.slice(0, 12), "<hash12>");

  it("says what happened in the first line, in the terminal and as the comment's title", () => {
    const cases: [LedgerRecord, string][] = [
      [withOrders(filled, { outcome: "already-applied" }), "already applied: nothing was sent"],
      [withOrders(filled), "partly applied"],
      [withOrders(filled, { outcome: "error", error: "the gateway went away" }), "failed"],
      [
        buildLedgerRecord({
          plan,
          ...at,
          refusal: { reason: "window-closed", message: "closed", hint: "later" },
        }),
        "refused: nothing was sent (window-closed)",
      ],
    ];
    for (const [rec, what] of cases) {
      expect(first(renderApplyText(rec))).toBe(`Apply of plan <hash12> for DU1234567: ${what}`);
      const markdown = renderApplyMarkdown(rec).split("\n");
      // The hidden marker by which the next report finds this comment and edits it.
      expect(markdown[0]).toBe("<!-- folioctl:comment apply-report -->");
      expect(APPLY_REPORT_MARKER).toBe(markdown[0]);
      expect(markdown[1]?.replace(plan.hash.slice(0, 12), "<hash12>")).toBe(
        `### Apply of plan <hash12> for DU1234567: ${what}`,
      );
    }
  });

  it("says already attempted only for a partial run that sent nothing: every leg an earlier run's, no error", () => {
    const resumed = filled.map((o) => ({ ...o, resumed: true }));
    const ATTEMPTED =
      "already attempted: nothing was sent (an earlier run sent every leg; a fresh plan, with a new hash, is the way to retry)";
    expect(first(renderApplyText(withOrders(resumed)))).toBe(
      `Apply of plan <hash12> for DU1234567: ${ATTEMPTED}`,
    );
    const oneNew = [resumed[0]!, { ...resumed[1]!, resumed: false }];
    expect(first(renderApplyText(withOrders(oneNew)))).toMatch(/: partly applied$/);
    expect(first(renderApplyText(withOrders(resumed, { error: "lost" })))).toMatch(/: partly applied$/);
    expect(first(renderApplyText(withOrders(resumed, { outcome: "applied" })))).toMatch(/: applied in full$/);
    expect(first(renderApplyText(withOrders([])))).toMatch(/: partly applied$/);
  });

  it("shows a refusal's message, what changed and what to do, and no table", () => {
    const refused = buildLedgerRecord({
      plan,
      ...at,
      refusal: {
        reason: "stale",
        message: "the account changed since the plan",
        hint: "make a new plan",
        differences: [
          { kind: "cash", subject: "USD", planned: 1000, current: 10 },
          { kind: "position", subject: "AAA", planned: 1000, current: 900 },
        ],
      },
    });
    expect(renderApplyText(refused).split("\n").slice(1)).toEqual([
      "  the account changed since the plan",
      "  - USD cash: planned 1,000.00, now 10.00",
      "  - AAA position: planned 1,000, now 900",
      "  hint: make a new plan",
      "",
    ]);
    expect(renderApplyMarkdown(refused).split("\n").slice(2)).toEqual([
      "",
      "the account changed since the plan",
      "",
      "- USD cash: planned 1,000.00, now 10.00",
      "- AAA position: planned 1,000, now 900",
      "",
      "**What to do:** make a new plan",
      "",
    ]);
  });

  it("leaves out the table for a run without orders, and says when the drift after was not measured", () => {
    const empty = buildLedgerRecord({ plan, ...at, error: "could not connect" });
    const text = renderApplyText(empty);
    expect(text).not.toContain("LEG");
    expect(text).not.toContain("slippage:");
    expect(text.split("\n").slice(1)).toEqual([
      "0/0 legs filled, 0 partial, 0 unfilled, 0 rejected, 0 not sent; bought 0.00 USD, sold 0.00 USD, commissions 0.00 USD",
      expect.stringMatching(/^drift: \d+\.\d\d% before, \d+\.\d\d% planned, not measured after$/),
      "error: could not connect",
      "",
    ]);
    const markdown = renderApplyMarkdown(empty);
    expect(markdown).not.toContain("| Leg |");
    expect(markdown).not.toContain("<sub>");
    expect(markdown.split("\n").slice(2)).toEqual([
      "",
      "0/0 legs filled, 0 partial, 0 unfilled, 0 rejected, 0 not sent; bought 0.00 USD, sold 0.00 USD, commissions 0.00 USD",
      "",
      expect.stringMatching(/not measured after$/),
      "",
      "**Error:** could not connect",
      "",
    ]);
    expect(markdown).not.toContain("**Notes**");
  });

  it("lists each leg's notes under the table, and a dash for what a leg without fills lacks", () => {
    const unfilled = {
      ...filled[1]!,
      filledQuantity: 0,
      avgPrice: null,
      slippageBps: null,
      status: "unfilled" as const,
      notes: ["cancelled at the deadline", "no fill"],
    };
    const rec = withOrders([filled[0]!, unfilled]);
    const text = renderApplyText(rec).split("\n");
    const row = text.find((line) => line.includes(" BBB "))!;
    expect(row).toMatch(/ BBB +[\d,]+ +0 +- +50\.00 +- +1\.00 +USD +unfilled$/);
    expect(text.filter((line) => line.startsWith("note "))).toEqual([
      `note ${unfilled.leg} BBB: cancelled at the deadline`,
      `note ${unfilled.leg} BBB: no fill`,
    ]);
    expect(text).not.toContainEqual(expect.stringMatching(/^error:/));
    const markdown = renderApplyMarkdown(rec).split("\n");
    expect(markdown).toContain(
      `| ${unfilled.leg} | BUY | BBB | ${unfilled.plannedQuantity} | 0 | - | 50.00 | - | 1.00 | USD | unfilled |`,
    );
    const sub = markdown.findIndex((line) => line.startsWith("<sub>"));
    expect(markdown.slice(sub - 2, sub + 3)).toEqual([
      expect.stringMatching(/^\| \w+ \| BUY \| BBB /),
      "",
      expect.stringMatching(/^<sub>slippage: .*<\/sub>$/),
      "",
      expect.stringMatching(/^\d+\/\d+ legs filled/),
    ]);
    const notes = markdown.indexOf("**Notes**");
    expect(markdown.slice(notes - 1, notes + 4)).toEqual([
      "",
      "**Notes**",
      "",
      `- ${unfilled.leg} BBB: cancelled at the deadline`,
      `- ${unfilled.leg} BBB: no fill`,
    ]);
    expect(markdown.join("\n")).not.toContain("**Error:**");
  });

  it("signs slippage only when it shows: + for a visible loss, none for what rounds to zero", () => {
    const slip = (slippageBps: number) =>
      renderApplyText(withOrders([{ ...filled[0]!, slippageBps }]))
        .split("\n")
        .find((line) => line.includes(" AAA "))!
        .replace(/ +(USD|filled)/g, "")
        .split(/ +/)
        .at(-2);
    expect(slip(10)).toBe("+10.0");
    expect(slip(0.04)).toBe("0.0");
    expect(slip(0)).toBe("0.0");
    expect(slip(-0.04)).toBe("0.0");
    expect(slip(-3)).toBe("-3.0");
  });

  it("shows the fill average to the four decimals a tick may need", () => {
    const avg = (avgPrice: number) =>
      renderApplyMarkdown(withOrders([{ ...filled[0]!, avgPrice }]))
        .split("\n")
        .find((line) => line.includes("| AAA |"))!
        .split(" | ")[5];
    expect(avg(99.123449)).toBe("99.1234");
    expect(avg(99.12345)).toBe("99.1235");
    expect(avg(99.9)).toBe("99.90");
  });
});
