import { describe, expect, it } from "vitest";
import type { Portfolio } from "../../src/core/portfolio.js";
import { valuationPrice } from "../../src/core/valuation-price.js";
import {
  conIdOf,
  makePortfolio,
  makeSnapshot,
  NOW,
  plan,
  planErrors,
  planOk,
  tradesBySymbol,
  type HoldingSpec,
} from "./plan-builders.js";

// A 100,000 USD account: 40/35/20 with 5% cash, the example portfolio's shape.
const THREE = [
  { symbol: "VTI", weight: 40 },
  { symbol: "BND", weight: 35 },
  { symbol: "VNQ", weight: 20 },
];
const threePortfolio = (overrides: Parameters<typeof makePortfolio>[1] = {}): Portfolio =>
  makePortfolio(THREE, { cash: { weight: 5, minimum: 0 }, ...overrides });
/** Holdings at the given weights (percent of 100,000) with prices 100, 50 and 25. */
const threeHoldings = (vti: number, bnd: number, vnq: number): HoldingSpec[] => [
  { symbol: "VTI", price: 100, quantity: vti * 10 },
  { symbol: "BND", price: 50, quantity: bnd * 20 },
  { symbol: "VNQ", price: 25, quantity: vnq * 40 },
];
const threeSnapshot = (vti: number, bnd: number, vnq: number, extra: HoldingSpec[] = []) =>
  makeSnapshot([...threeHoldings(vti, bnd, vnq), ...extra], {
    cash: { USD: (100 - vti - bnd - vnq) * 1000 },
  });
const weight = (p: ReturnType<typeof planOk>, symbol: string) => p.weights.find((w) => w.symbol === symbol);

describe("valuation price", () => {
  it.each([
    { quote: { bid: 99, ask: 101, last: 90, close: 80 }, price: 100, source: "mid" },
    { quote: { bid: 101, ask: 99, last: 100.5, close: 80 }, price: 100.5, source: "last" },
    { quote: { bid: 99, last: 100.25, close: 80 }, price: 100.25, source: "last" },
    { quote: { ask: 0, bid: 0, last: 0, close: 98 }, price: 98, source: "close" },
    { quote: { bid: 249.9, ask: 250.1 }, price: 250, source: "mid" },
  ])("values $quote at $price ($source) and records it", ({ quote, price, source }) => {
    const snapshot = makeSnapshot([{ symbol: "VTI", quantity: 10, quote }], { cash: { USD: 1000 } });
    const p = planOk(makePortfolio([{ symbol: "VTI", weight: 100 }]), snapshot);
    expect(p.snapshot.quotes).toEqual([
      { ...quote, conId: conIdOf("VTI"), delayed: false, time: "2026-11-24T15:00:00Z" },
    ]);
    expect(valuationPrice(p.snapshot.quotes[0])).toEqual({ price, source });
  });

  it("refuses to plan a target that has no price at all, naming it", () => {
    const snapshot = makeSnapshot([
      { symbol: "VTI", quantity: 10, noQuote: true },
      { symbol: "BND", price: 50 },
    ]);
    const errors = planErrors(
      makePortfolio([
        { symbol: "VTI", weight: 50 },
        { symbol: "BND", weight: 50 },
      ]),
      snapshot,
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "no-price",
        symbol: "VTI",
        field: "targets[0]",
        message: expect.stringContaining("no price for VTI"),
      }),
    ]);
  });

  it("warns about delayed, old and close prices", () => {
    const snapshot = makeSnapshot([
      { symbol: "VTI", quantity: 10, quote: { last: 100, delayed: true } },
      { symbol: "BND", quantity: 10, quote: { last: 50, time: "2026-11-24T13:00:00Z" } },
      { symbol: "VNQ", quantity: 10, quote: { close: 25 } },
    ]);
    const p = planOk(threePortfolio(), snapshot);
    expect(p.warnings.filter((w) => w.code.startsWith("price-")).map((w) => [w.code, w.symbol])).toEqual([
      ["price-delayed", "VTI"],
      ["price-old", "BND"],
      ["price-close", "VNQ"],
    ]);
    expect(p.warnings.find((w) => w.code === "price-old")?.message).toContain("2h 0m old");
  });
});

describe("bands", () => {
  // Band for VTI (target 40): min(1, 25% of 40) = 1 point; for a 2% target: min(1, 0.5) = 0.5 point.
  it.each([
    { vti: 40.9, inBand: true },
    { vti: 41, inBand: true },
    { vti: 41.1, inBand: false },
    { vti: 38.9, inBand: false },
  ])("VTI at $vti% of a 40% target is in band: $inBand", ({ vti, inBand }) => {
    const snapshot = makeSnapshot(
      [
        { symbol: "VTI", price: 1, quantity: vti * 1000 },
        { symbol: "BND", price: 1, quantity: (95 - vti) * 1000 },
      ],
      { cash: { USD: 5000 } },
    );
    const p = planOk(
      makePortfolio(
        [
          { symbol: "VTI", weight: 40 },
          { symbol: "BND", weight: 55 },
        ],
        { cash: { weight: 5, minimum: 0 }, bands: { absolute: 1, relative: 100 } },
      ),
      snapshot,
    );
    expect(weight(p, "VTI")?.inBandBefore).toBe(inBand);
  });

  it.each([
    { absolute: 1, relative: 25, target: 2, band: 0.5 },
    { absolute: 1, relative: 25, target: 40, band: 1 },
    { absolute: 5, relative: 10, target: 30, band: 3 },
  ])(
    "a $target% target with bands $absolute/$relative has a ±$band band",
    ({ absolute, relative, target, band }) => {
      const snapshot = makeSnapshot(
        [
          { symbol: "A", price: 1, quantity: 1000 },
          { symbol: "B", price: 1, quantity: 1000 },
        ],
        { cash: { USD: 0 } },
      );
      const p = planOk(
        makePortfolio(
          [
            { symbol: "A", weight: target },
            { symbol: "B", weight: 100 - target },
          ],
          { bands: { absolute, relative } },
        ),
        snapshot,
      );
      expect(weight(p, "A")?.band).toBe(band);
    },
  );

  it("plans nothing when every holding and cash is within its band", () => {
    const p = planOk(threePortfolio(), threeSnapshot(40.5, 34.6, 20.3));
    expect(p.orders).toEqual([]);
    expect(p.weights.every((w) => w.inBandBefore && w.inBandAfter)).toBe(true);
    expect(p.drift.before).toBe(p.drift.after);
  });

  it("trades out-of-band holdings to target and leaves in-band ones alone", () => {
    const p = planOk(threePortfolio(), threeSnapshot(44, 31, 20.4));
    expect(Object.keys(tradesBySymbol(p)).sort()).toEqual(["BND", "VTI"]);
    expect(weight(p, "VTI")?.after).toBeCloseTo(40, 1);
    expect(weight(p, "BND")?.after).toBeCloseTo(35, 1);
    // What is left is VNQ's and cash's in-band deviations (0.4 points each).
    expect(p.drift.after).toBeCloseTo(0.4, 2);
  });

  it("with rebalanceTo: band-edge, trades only back inside the band", () => {
    const p = planOk(threePortfolio({ trading: { rebalanceTo: "band-edge" } }), threeSnapshot(44, 31, 20.4));
    const vti = weight(p, "VTI");
    expect(vti?.inBandAfter).toBe(true);
    expect(vti?.after).toBeGreaterThan(40.8);
    expect(vti?.after).toBeLessThanOrEqual(41);
    expect(p.turnover.value).toBeLessThan(
      planOk(threePortfolio(), threeSnapshot(44, 31, 20.4)).turnover.value,
    );
  });

  it("lets an in-band holding take what the out-of-band trades free when cash cannot", () => {
    // VTI 4 points over; BND in band but 0.8 under; cash already on target: the proceeds go to BND.
    const p = planOk(threePortfolio(), threeSnapshot(44, 34.2, 16.8));
    expect(tradesBySymbol(p)).toMatchObject({ VTI: -40, BND: expect.any(Number) as number });
    expect(p.orders.find((o) => o.symbol === "BND")?.reason).toMatch(
      /^in band: .* takes cash the out-of-band trades free$/,
    );
  });
});

describe("modes", () => {
  it("buy-only spends cash above its target on the most underweight holdings first, and never sells", () => {
    // 10,000 of new cash against a 5% cash target: 5,000 to spend. BND is 6 points under, VNQ 2.
    const p = planOk(threePortfolio({ trading: { mode: "buy-only" } }), threeSnapshot(43, 29, 18));
    expect(p.orders.every((o) => o.side === "BUY")).toBe(true);
    const trades = tradesBySymbol(p);
    expect((trades["BND"] ?? 0) * 50).toBeGreaterThan((trades["VNQ"] ?? 0) * 25);
    expect(weight(p, "VTI")?.after).toBeGreaterThan(41);
    expect(weight(p, "CASH")?.after).toBeCloseTo(5, 0);
  });

  it("sell-only raises cash to its target by selling the most overweight first, and never buys", () => {
    const p = planOk(threePortfolio({ trading: { mode: "sell-only" } }), threeSnapshot(47, 34, 18));
    expect(p.orders.map((o) => [o.side, o.symbol])).toEqual([["SELL", "VTI"]]);
    // Within a share of VTI (0.1 point) of the cash target.
    expect(Math.abs((weight(p, "CASH")?.after ?? 0) - 5)).toBeLessThan(0.1);
  });

  it("keeps cash at or above cash.minimum after the buys", () => {
    const snapshot = threeSnapshot(30, 30, 20);
    const p = planOk(
      threePortfolio({ cash: { weight: 5, minimum: 15_000 }, trading: { mode: "buy-only" } }),
      snapshot,
    );
    expect(p.cashAfter["USD"]).toBeGreaterThanOrEqual(15_000);
    expect(p.cashAfter["USD"]).toBeLessThan(15_000 + 100);
  });
});

describe("orders", () => {
  it("lists sells before buys with legs S1.. and B1.., LMT prices inside the collar", () => {
    const p = planOk(threePortfolio(), threeSnapshot(44, 31, 17));
    expect(
      p.orders.map((o) => [o.leg, o.side, o.symbol, o.quantity, o.limitPrice, o.estimatedPrice]),
    ).toEqual([
      ["S1", "SELL", "VTI", 40, 99.9, 100],
      ["B1", "BUY", "BND", 80, 50.05, 50],
      ["B2", "BUY", "VNQ", 120, 25.02, 25],
    ]);
    expect(p.orders.every((o) => o.timeInForce === "DAY" && o.orderType === "LMT")).toBe(true);
  });

  it.each(["MKT", "ADAPTIVE", "MOC"] as const)("puts no limit price on %s orders", (orderType) => {
    const p = planOk(threePortfolio({ trading: { orderType } }), threeSnapshot(44, 31, 17));
    expect(p.orders.map((o) => [o.orderType, o.limitPrice])).toEqual(
      p.orders.map(() => [orderType, undefined]),
    );
  });

  it("drops orders below minTradeValue and says the holding stays out of band", () => {
    // A 10,100 account: VTI 3.6 points over, VNQ 3.2 under; both trades are worth less than 1,000.
    const snapshot = makeSnapshot(
      [
        { symbol: "VTI", price: 100, quantity: 44 },
        { symbol: "BND", price: 50, quantity: 70 },
        { symbol: "VNQ", price: 25, quantity: 68 },
      ],
      { cash: { USD: 500 } },
    );
    const p = planOk(threePortfolio({ trading: { minTradeValue: 1000 } }), snapshot);
    expect(p.orders).toEqual([]);
    expect(p.warnings.filter((w) => w.code === "out-of-band-after").map((w) => w.symbol)).toEqual([
      "VTI",
      "VNQ",
    ]);
  });

  it("estimates IB fixed commissions by default and a configured table when there is one", () => {
    const snapshot = threeSnapshot(44, 31, 17);
    const ib = planOk(threePortfolio(), snapshot);
    expect(ib.orders.map((o) => o.estimatedCommission)).toEqual([1, 1, 1]);
    const table = planOk(
      threePortfolio({ trading: { commission: { perShare: 0.05, minimum: 2, maximumPercent: 1 } } }),
      snapshot,
    );
    expect(table.orders.map((o) => o.estimatedCommission)).toEqual([2, 4, 6]);
    expect(table.estimatedCommissions).toBe(12);
  });
});

describe("guardrails", () => {
  it("refuses a plan with an order over limits.maxOrderValue, saying by how much", () => {
    const errors = planErrors(
      threePortfolio({ limits: { maxOrderValue: 3000, maxTurnover: 30 } }),
      threeSnapshot(44, 31, 17),
    );
    expect(errors.map((e) => [e.code, e.symbol, e.field])).toEqual([
      ["max-order-value", "VTI", "limits.maxOrderValue"],
      ["max-order-value", "BND", "limits.maxOrderValue"],
    ]);
    expect(errors[0]?.message).toBe(
      "S1 SELL 40 VTI is worth about 4,000.00 USD, over limits.maxOrderValue (3,000.00 USD) by 1,000.00 USD",
    );
  });

  it("refuses a plan over limits.maxTurnover, saying by how much", () => {
    const errors = planErrors(
      threePortfolio({ limits: { maxOrderValue: 50_000, maxTurnover: 5 } }),
      threeSnapshot(44, 31, 17),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "max-turnover",
        message:
          "the plan trades 11,000.00 USD, 11.00% of net liquidation value, over limits.maxTurnover (5%) by 6.00 percentage points (6,000.00 USD)",
      }),
    ]);
  });

  it("refuses to plan when portfolio.yaml says suspend: true", () => {
    expect(planErrors(threePortfolio({ suspend: true }), threeSnapshot(44, 31, 17))).toEqual([
      expect.objectContaining({
        code: "suspended",
        message: "planning is switched off (suspend: true)",
        hint: "set suspend: false in portfolio.yaml, in a reviewed pull request, to plan again",
      }),
    ]);
  });
});

describe("currencies", () => {
  const portfolio = makePortfolio(
    [
      { symbol: "VTI", weight: 50 },
      { symbol: "SAP", weight: 50, currency: "EUR" },
    ],
    { limits: { maxOrderValue: 1e9, maxTurnover: 100 } },
  );

  it("values holdings in the base currency through the exchange rates", () => {
    const balanced = makePortfolio([
      { symbol: "VTI", weight: 45.45 },
      { symbol: "SAP", weight: 54.55, currency: "EUR" },
    ]);
    const snapshot = makeSnapshot(
      [
        { symbol: "VTI", price: 100, quantity: 500 },
        { symbol: "SAP", price: 200, quantity: 250, currency: "EUR" },
      ],
      { cash: { USD: 0, EUR: 0 }, rates: { USD: 1, EUR: 1.2 } },
    );
    const p = planOk(balanced, snapshot);
    expect(p.netLiquidation).toBe(110_000);
    expect([weight(p, "VTI")?.before, weight(p, "SAP")?.before]).toEqual([45.4545, 54.5455]);
  });

  it("refuses a buy the currency's cash cannot pay for, saying how much to convert", () => {
    const snapshot = makeSnapshot(
      [
        { symbol: "VTI", price: 100, quantity: 500 },
        { symbol: "SAP", price: 200, quantity: 100, currency: "EUR" },
      ],
      { cash: { USD: 30_000, EUR: 0 }, rates: { USD: 1, EUR: 1.2 } },
    );
    const errors = planErrors(portfolio, snapshot);
    expect(errors).toEqual([
      expect.objectContaining({
        code: "currency-short",
        field: "cash.EUR",
        message: expect.stringMatching(
          /^EUR cash would be -[\d,.]+ EUR after the orders that spend it \(B1 SAP\): [\d,.]+ EUR \(about [\d,.]+ USD\) short$/,
        ),
        hint: expect.stringMatching(
          /^set fx.mode: convert .* or buy at least [\d,.]+ EUR with another currency by hand/,
        ),
      }),
    ]);
  });
});

describe("positions not in the targets", () => {
  const stray: HoldingSpec = { symbol: "GME", price: 20, quantity: 100 };

  it.each([
    { unmanaged: "ignore" as const, codes: [] },
    { unmanaged: "warn" as const, codes: ["unmanaged-position"] },
  ])("with unmanaged: $unmanaged, leaves them out of the weights", ({ unmanaged, codes }) => {
    const p = planOk(threePortfolio({ trading: { unmanaged } }), threeSnapshot(40, 35, 20, [stray]));
    expect(p.orders).toEqual([]);
    expect(p.weights.map((w) => w.symbol)).toEqual(["VTI", "BND", "VNQ", "CASH"]);
    expect(p.warnings.map((w) => w.code)).toEqual(codes);
    expect(p.managedValue).toBe(p.netLiquidation - 2000);
  });

  it("with unmanaged: sell, sells them whole and counts them at a 0% target until then", () => {
    const p = planOk(
      threePortfolio({ trading: { unmanaged: "sell" } }),
      threeSnapshot(39.5, 34.5, 19.5, [stray]),
    );
    expect(p.orders.map((o) => [o.leg, o.side, o.symbol, o.quantity, o.reason])).toContainEqual([
      "S1",
      "SELL",
      "GME",
      100,
      "not in targets (trading.unmanaged: sell)",
    ]);
    expect(weight(p, "GME")).toMatchObject({ kind: "unmanaged", target: 0, after: 0 });
  });

  it("never sells them in buy-only mode, and never covers a short one", () => {
    const short: HoldingSpec = { symbol: "TSLA", price: 200, quantity: -5 };
    const portfolio = threePortfolio({ trading: { unmanaged: "sell", mode: "buy-only" } });
    const p = planOk(portfolio, threeSnapshot(40, 35, 20, [stray, short]));
    expect(p.orders).toEqual([]);
    expect(p.warnings.map((w) => [w.code, w.symbol])).toEqual([
      ["unmanaged-not-sold", "TSLA"],
      ["unmanaged-not-sold", "GME"],
    ]);
    expect(p.warnings[0]?.message).toContain("not sold: it is a short position, which folioctl never covers");
    expect(p.warnings[1]?.message).toContain("not sold: buy-only never sells");
  });
});

describe("matching targets to contracts", () => {
  const snapshotWith = (contracts: HoldingSpec[]) => makeSnapshot(contracts, { cash: { USD: 10_000 } });

  it("matches by conId when the target pins one", () => {
    const p = planOk(
      makePortfolio([{ symbol: "VTI", weight: 100, conId: 42 }]),
      snapshotWith([
        { symbol: "VTI", price: 100, conId: 42 },
        { symbol: "VTI", price: 100, conId: 43, primaryExchange: "BVME" },
      ]),
    );
    expect(p.orders.map((o) => o.conId)).toEqual([42]);
  });

  it.each([
    {
      name: "a pinned conId missing from the snapshot",
      target: { symbol: "VTI", weight: 100, conId: 42 },
      contracts: [{ symbol: "VTI", price: 100, conId: 43 }],
      error: {
        code: "no-contract",
        field: "targets[0].conId",
        message: "VTI: conId 42 is not among the snapshot's contracts",
      },
    },
    {
      name: "a pinned conId that is another contract",
      target: { symbol: "VTI", weight: 100, conId: 42 },
      contracts: [{ symbol: "BND", price: 100, conId: 42 }],
      error: {
        code: "contract-mismatch",
        field: "targets[0].conId",
        message: "VTI: conId 42 is BND USD STK in the snapshot (symbol BND), not VTI (USD, STK)",
      },
    },
    {
      name: "no contract with that symbol, currency and secType",
      target: { symbol: "VTI", weight: 100 },
      contracts: [{ symbol: "VTI", price: 100, currency: "EUR" }],
      error: {
        code: "no-contract",
        field: "targets[0]",
        message: "VTI (USD, STK): no such contract in the snapshot",
      },
    },
    {
      name: "two contracts with that symbol, currency and secType",
      target: { symbol: "VTI", weight: 100 },
      contracts: [
        { symbol: "VTI", price: 100, conId: 42, primaryExchange: "ARCA" },
        { symbol: "VTI", price: 100, conId: 43, primaryExchange: "BATS" },
      ],
      error: {
        code: "ambiguous-contract",
        field: "targets[0]",
        message: "VTI (USD, STK) is ambiguous: 2 contracts match (conId 42 on ARCA, conId 43 on BATS)",
      },
    },
  ])("refuses $name", ({ target, contracts, error }) => {
    const snapshot = makeSnapshot(contracts, { cash: { USD: 10_000 }, rates: { USD: 1, EUR: 1.1 } });
    expect(planErrors(makePortfolio([target]), snapshot)).toEqual([expect.objectContaining(error)]);
  });

  it("uses primaryExchange to choose between contracts with the same symbol", () => {
    const p = planOk(
      makePortfolio([{ symbol: "VTI", weight: 100, primaryExchange: "BATS" }]),
      snapshotWith([
        { symbol: "VTI", price: 100, conId: 42, primaryExchange: "ARCA" },
        { symbol: "VTI", price: 100, conId: 43, primaryExchange: "BATS" },
      ]),
    );
    expect(p.orders.map((o) => o.conId)).toEqual([43]);
  });
});

describe("snapshot checks", () => {
  it.each([
    { name: "another account", options: { account: "DU7654321" }, code: "account-mismatch" },
    {
      name: "another base currency",
      options: { baseCurrency: "EUR", rates: { EUR: 1, USD: 0.9 } },
      code: "base-currency-mismatch",
    },
    {
      name: "a currency without a rate",
      options: { cash: { USD: 1000, CHF: 50 } },
      code: "missing-exchange-rate",
    },
  ])("refuses a snapshot of $name", ({ options, code }) => {
    const snapshot = makeSnapshot(threeHoldings(40, 35, 20), options);
    expect(planErrors(threePortfolio(), snapshot).map((e) => e.code)).toContain(code);
  });
});

describe("the plan document", () => {
  it("records times, versions, the portfolio hash and the whole snapshot, normalized", () => {
    const snapshot = threeSnapshot(44, 31, 17);
    const p = planOk(threePortfolio({ tolerances: { priceMoveBps: 50, planTtl: "90m" } }), snapshot, {
      now: "2026-11-24T10:00:05-05:00",
      sourceCommit: "0123456789abcdef0123456789abcdef01234567",
    });
    expect(p).toMatchObject({
      schemaVersion: 2,
      account: "DU1234567",
      baseCurrency: "USD",
      createdAt: "2026-11-24T15:00:05Z",
      expiresAt: "2026-11-24T16:30:05Z",
      toolVersion: "0.0.0-test",
      portfolioHash: "a".repeat(64),
      sourceCommit: "0123456789abcdef0123456789abcdef01234567",
      mode: "full",
      rebalanceTo: "target",
    });
    expect(p.snapshot.positions.map((x) => x.conId)).toEqual(
      [...p.snapshot.positions.map((x) => x.conId)].sort((a, b) => a - b),
    );
    expect(p.snapshot.cash).toEqual({ USD: 8000 });
    // Everything planning read is there, so the plan can be made again from it alone.
    expect(p.snapshot).toEqual({
      ...snapshot,
      positions: [...snapshot.positions].sort((a, b) => a.conId - b.conId),
      quotes: [...snapshot.quotes].sort((a, b) => a.conId - b.conId),
      contracts: [...snapshot.contracts].sort((a, b) => a.conId - b.conId),
    });
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("warns about open orders and a net liquidation value that does not add up", () => {
    const snapshot = makeSnapshot(threeHoldings(40, 35, 20), {
      cash: { USD: 5000 },
      netLiquidation: 120_000,
      openOrders: [
        {
          orderId: 7,
          permId: 99,
          conId: conIdOf("VTI"),
          symbol: "VTI",
          side: "SELL",
          quantity: 10,
          filled: 0,
          orderType: "STP",
          orderRef: "",
          status: "Submitted",
        },
      ],
    });
    const p = planOk(threePortfolio(), snapshot);
    expect(p.warnings.map((w) => w.message)).toEqual([
      "net liquidation at the plan's prices is 100,000.00 USD, the broker reports 120,000.00 USD: check prices and positions",
      "1 open order(s) in the account (SELL 10 VTI): the plan does not count them, and apply never touches orders it did not place",
    ]);
  });

  it("rejects a plan time that is not ISO 8601", () => {
    const result = plan(threePortfolio(), threeSnapshot(40, 35, 20), { now: "yesterday" });
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(["invalid-time"]);
  });

  it("is the same document for the same inputs", () => {
    const snapshot = threeSnapshot(44, 31, 17);
    expect(planOk(threePortfolio(), snapshot)).toEqual(planOk(threePortfolio(), snapshot));
    expect(planOk(threePortfolio(), snapshot, { now: NOW }).hash).toBe(
      planOk(threePortfolio(), snapshot).hash,
    );
  });
});
