import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/core/render-markdown.js";
import { renderText } from "../../src/core/render-text.js";
import { formatMoney } from "../../src/core/format-number.js";
import { conIdOf, makePortfolio, makeSnapshot, planOk } from "./plan-builders.js";

const portfolio = makePortfolio(
  [
    { symbol: "VTI", weight: 40 },
    { symbol: "BND", weight: 35 },
    { symbol: "VNQ", weight: 20 },
  ],
  { cash: { weight: 5, minimum: 500 }, trading: { unmanaged: "warn" } },
);
const snapshot = makeSnapshot(
  [
    { symbol: "VTI", quantity: 200, quote: { bid: 249.9, ask: 250.1 } },
    { symbol: "BND", quantity: 450, quote: { bid: 72.49, ask: 72.51 } },
    { symbol: "VNQ", quantity: 250, price: 88 },
    { symbol: "GME", quantity: 10, price: 25 },
  ],
  { cash: { USD: 5125 } },
);
const plan = planOk(portfolio, snapshot);
const quiet = planOk(
  portfolio,
  makeSnapshot(
    [
      { symbol: "VTI", quantity: 176, price: 250 },
      { symbol: "BND", quantity: 531, price: 72.5 },
      { symbol: "VNQ", quantity: 250, price: 88 },
    ],
    { cash: { USD: 5502.5 } },
  ),
);

describe("markdown rendering", () => {
  it("renders the pull request body: hidden header, summary, orders, weights, chart, cash, warnings", () => {
    expect(
      renderMarkdown(plan, { cashMinimum: 500 })
        .replace(plan.hash, "<hash>")
        .replace(plan.hash.slice(0, 12), "<hash12>"),
    ).toMatchInlineSnapshot(`
      "<!-- folioctl:plan {"account":"DU1234567","hash":"<hash>"} -->
      ### folioctl plan for DU1234567

      **2 orders (1 sell, 1 buy) · turnover 11,800.00 USD (10.73%) · drift 5.60% → 0.15% · est. commissions 2.00 USD**

      <sub>drift: half the sum of \\|weight - target\\| over the targets and cash, in % of the managed value: how much of the account is not where the targets say</sub>

      | Leg | Side | Quantity | Symbol | Type | Limit | Est. price | Price source | Quoted at | Est. value | Est. commission | Reason |
      | --- | --- | ---: | --- | --- | ---: | ---: | --- | --- | ---: | ---: | --- |
      | S1 | SELL | 24 | VTI | LMT | 249.75 | 250.00 | mid | 2026-11-24T15:00:00Z | 6,000.00 USD | 1.00 USD | out of band: 45.56% → 40.09%, target 40.00% ±1.00 |
      | B1 | BUY | 80 | BND | LMT | 72.57 | 72.50 | mid | 2026-11-24T15:00:00Z | 5,800.00 USD | 1.00 USD | out of band: 29.73% → 35.01%, target 35.00% ±1.00 |

      #### Weights

      | Holding | Before | Target | After | Band | In band |
      | --- | ---: | ---: | ---: | ---: | :---: |
      | VTI | 45.56% | 40.00% | 40.09% | ±1.00 | ⚠️ → ✅ |
      | BND | 29.73% | 35.00% | 35.01% | ±1.00 | ⚠️ → ✅ |
      | VNQ | 20.05% | 20.00% | 20.05% | ±1.00 | ✅ |
      | Cash | 4.67% | 5.00% | 4.85% | ±1.00 | ✅ |

      \`\`\`mermaid
      xychart-beta
          title "Current (bars) and target (line) weights, %"
          x-axis ["VTI", "BND", "VNQ", "Cash"]
          y-axis "weight (%)" 0 --> 50
          bar [45.56, 29.73, 20.05, 4.67]
          line [40.00, 35.00, 20.00, 5.00]
      \`\`\`

      #### Cash

      \`cash.minimum\`: 500.00 USD, which the orders keep total cash above.

      | Currency | Before | After |
      | --- | ---: | ---: |
      | USD | 5,125.00 | 5,323.00 |

      #### Warnings

      - GME (conId 379224): 10 shares, 250.00 USD (0.23% of net liquidation), not in targets; left alone and outside the weights (trading.unmanaged: warn)

      <sub>plan \`<hash12>\` · made 2026-11-24T15:00:05Z · expires 2026-11-24T19:00:05Z · portfolio \`aaaaaaaaaaaa\` · folioctl 0.0.0-test</sub>
      "
    `);
  });

  it("starts with a hidden header a program can read the account and hash from", () => {
    const first = renderMarkdown(plan).split("\n")[0] ?? "";
    const json = /^<!-- folioctl:plan (\{.*\}) -->$/.exec(first)?.[1];
    expect(JSON.parse(json ?? "null")).toEqual({ account: "DU1234567", hash: plan.hash });
  });

  it("says there is nothing to do when every holding is in band", () => {
    expect(renderMarkdown(quiet).split("\n").slice(2, 5)).toMatchInlineSnapshot(`
      [
        "",
        "**Nothing to do: every holding is within its band (drift 0.00%)**",
        "",
      ]
    `);
  });

  it("stays under GitHub's limit with many holdings, keeping the largest rows and saying where the rest is", () => {
    const symbols = Array.from({ length: 2000 }, (_, i) => `H${String(i).padStart(4, "0")}`);
    const big = planOk(
      makePortfolio(
        symbols.map((symbol) => ({ symbol, weight: 0.05 })),
        { bands: { absolute: 0, relative: 25 }, trading: { minTradeValue: 0 } },
      ),
      makeSnapshot(
        symbols.map((symbol, i) => ({ symbol, price: 10, quantity: i % 2 === 0 ? 60 : 40 })),
        { cash: { USD: 0 } },
      ),
    );
    const text = renderMarkdown(big, { planFile: "plans/DU1234567.plan.json" });
    expect(big.orders.length).toBe(2000);
    expect(text.length).toBeLessThan(65_536);
    expect(text).toContain("of 2000 orders; all of them are in plans/DU1234567.plan.json.");
    expect(text).toContain("Largest deviations: current (bars) and target (line), %");
  });
});

describe("terminal rendering", () => {
  it("aligns the tables and uses no colour when told not to", () => {
    expect(renderText(plan, { color: false, cashMinimum: 500 }).replace(plan.hash.slice(0, 12), "<hash12>"))
      .toMatchInlineSnapshot(`
        "Plan for DU1234567: 2 orders (1 sell, 1 buy) · turnover 11,800.00 USD (10.73%) · drift 5.60% → 0.15% · est. commissions 2.00 USD
        drift: half the sum of |weight - target| over the targets and cash, in % of the managed value: how much of the account is not where the targets say

        Orders
          LEG  SIDE  QUANTITY  SYMBOL  TYPE   LIMIT  EST. PRICE  PRICE SOURCE  QUOTED AT             EST. VALUE  EST. COMMISSION  CCY  REASON
          S1   SELL        24  VTI     LMT   249.75      250.00  mid           2026-11-24T15:00:00Z    6,000.00             1.00  USD  out of band: 45.56% → 40.09%, target 40.00% ±1.00
          B1   BUY         80  BND     LMT    72.57       72.50  mid           2026-11-24T15:00:00Z    5,800.00             1.00  USD  out of band: 29.73% → 35.01%, target 35.00% ±1.00

        Weights (% of 109,750.00 USD managed)
          HOLDING  BEFORE  TARGET   AFTER   BAND  IN BAND
          VTI      45.56%  40.00%  40.09%  ±1.00  no → yes
          BND      29.73%  35.00%  35.01%  ±1.00  no → yes
          VNQ      20.05%  20.00%  20.05%  ±1.00  yes
          Cash      4.67%   5.00%   4.85%  ±1.00  yes

        Cash (cash.minimum 500.00 USD)
          CCY    BEFORE     AFTER
          USD  5,125.00  5,323.00

        Warnings
          ! GME (conId 379224): 10 shares, 250.00 USD (0.23% of net liquidation), not in targets; left alone and outside the weights (trading.unmanaged: warn)

        plan <hash12>, made 2026-11-24T15:00:05Z, expires 2026-11-24T19:00:05Z
        "
      `);
  });

  it("colours sides, out-of-band rows and warnings when told to", () => {
    const text = renderText(plan, { color: true });
    expect(text).toContain("\u001b[31mSELL\u001b[0m");
    expect(text).toContain("\u001b[32mBUY \u001b[0m");
    expect(text).toContain("\u001b[33m!\u001b[0m");
    // Without its escape codes the coloured text is the plain one.
    const plain = text
      .split("\u001b[")
      .map((part, i) => (i === 0 ? part : part.replace(/^\d+m/, "")))
      .join("");
    expect(plain).toBe(renderText(plan, { color: false }));
  });

  it("names the orders by conId-stable legs", () => {
    expect(plan.orders.map((o) => [o.leg, o.conId])).toEqual([
      ["S1", conIdOf("VTI")],
      ["B1", conIdOf("BND")],
    ]);
  });
});

describe("what an owner checks before approving, in both renderings", () => {
  // Two currencies, one quote delayed and one valued at the last trade.
  const fx = planOk(
    makePortfolio(
      [
        { symbol: "VTI", weight: 60 },
        { symbol: "SAP", weight: 35, currency: "EUR" },
      ],
      { cash: { weight: 5, minimum: 1000 } },
    ),
    makeSnapshot(
      [
        { symbol: "VTI", quantity: 300, quote: { bid: 249.9, ask: 250.1, delayed: true } },
        { symbol: "SAP", quantity: 100, currency: "EUR", quote: { last: 200 } },
      ],
      { cash: { USD: 20_000, EUR: 30_000 }, rates: { USD: 1, EUR: 1.1 } },
    ),
  );

  it("shows each order's price source, quote time and commission, and the cash per currency with its total", () => {
    expect(fx.orders.length).toBeGreaterThan(0);
    const text = renderText(fx, { color: false, cashMinimum: 1000 });
    const markdown = renderMarkdown(fx, { cashMinimum: 1000 });
    for (const order of fx.orders) {
      const source = order.symbol === "VTI" ? "mid, delayed" : "last";
      const row = text.split("\n").find((line) => line.trimStart().startsWith(`${order.leg} `)) ?? "";
      expect(row).toContain(`${source}  `);
      expect(row).toContain("2026-11-24T15:00:00Z");
      expect(markdown).toContain(`| ${source} | 2026-11-24T15:00:00Z |`);
      expect(markdown).toContain(`| ${formatMoney(order.estimatedCommission)} ${order.currency} |`);
    }
    const cash = text.slice(text.indexOf("Cash (cash.minimum 1,000.00 USD)"));
    const after = (currency: string): string => formatMoney(fx.cashAfter[currency] ?? 0);
    expect(cash).toMatch(new RegExp(`EUR +30,000.00 +${after("EUR")}`));
    expect(cash).toMatch(new RegExp(`USD +20,000.00 +${after("USD")}`));
    const total = (fx.cashAfter.USD ?? 0) + (fx.cashAfter.EUR ?? 0) * 1.1;
    expect(cash).toMatch(new RegExp(`total in USD +53,000.00 +${formatMoney(total)}`));
    expect(markdown).toContain("`cash.minimum`: 1,000.00 USD, which the orders keep total cash above.");
    expect(markdown).toContain(`| EUR | 30,000.00 | ${after("EUR")} |`);
  });

  it("defines drift once, right under the summary where it first shows, in both renderings", () => {
    const text = renderText(fx, { color: false });
    expect(text.split("\n")[1]).toMatch(/^drift: half the sum of \|weight - target\|/);
    expect(text.match(/drift: half the sum/g)).toHaveLength(1);
    const markdown = renderMarkdown(fx);
    expect(markdown.split("\n")[5]).toMatch(/^<sub>drift: half the sum of \\\|weight - target\\\|/);
  });

  it("writes every percent with two decimals and the same arrow in the summary, reasons and rows", () => {
    const text = renderText(plan, { color: false });
    for (const percent of text.match(/-?[\d,]+(\.\d+)?%/g) ?? []) expect(percent).toMatch(/\.\d\d%$/);
    expect(text).not.toContain("->");
    expect(text).toContain("no → yes");
  });
});
