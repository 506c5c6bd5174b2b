// Small builders for portfolios and snapshots in tests: a holding is one line, defaults are those of
// portfolio.schema.json, and conIds come from the symbol so that targets and snapshot agree.
import { computePlan, type ComputePlanOptions } from "../../src/core/compute-plan.js";
import type { Plan, PlanResult } from "../../src/core/plan.js";
import type { Portfolio, Target } from "../../src/core/portfolio.js";
import type {
  Snapshot,
  SnapshotContract,
  SnapshotOpenOrder,
  SnapshotQuote,
} from "../../src/core/snapshot.js";

export const NOW = "2026-11-24T15:00:05Z";
export const QUOTE_TIME = "2026-11-24T15:00:00Z";

export interface HoldingSpec {
  symbol: string;
  /** Shares held; 0 or absent means a quote and a contract but no position. */
  quantity?: number;
  /** Shortcut for a quote with only `last`. */
  price?: number;
  quote?: Partial<SnapshotQuote>;
  /** Leave the quote out entirely. */
  noQuote?: boolean;
  conId?: number;
  currency?: string;
  secType?: string;
  primaryExchange?: string;
  sizeIncrement?: number;
  minTick?: number;
  avgCost?: number;
}

export function conIdOf(symbol: string): number {
  let id = 7;
  for (const char of symbol) id = (id * 31 + char.charCodeAt(0)) % 1_000_000;
  return 100_000 + id;
}

export interface SnapshotOptions {
  cash?: Record<string, number>;
  rates?: Record<string, number>;
  account?: string;
  baseCurrency?: string;
  netLiquidation?: number;
  extraContracts?: SnapshotContract[];
  openOrders?: SnapshotOpenOrder[];
}

export function makeSnapshot(holdings: HoldingSpec[], options: SnapshotOptions = {}): Snapshot {
  const base = options.baseCurrency ?? "USD";
  const rates = options.rates ?? { [base]: 1 };
  const cash = options.cash ?? { [base]: 10_000 };
  const snapshot: Snapshot = {
    account: options.account ?? "DU1234567",
    baseCurrency: base,
    asOf: QUOTE_TIME,
    exchangeRates: rates,
    cash,
    netLiquidation: 0,
    positions: [],
    quotes: [],
    contracts: [...(options.extraContracts ?? [])],
    openOrders: options.openOrders ?? [],
  };
  let value = Object.entries(cash).reduce((sum, [c, amount]) => sum + amount * (rates[c] ?? 0), 0);
  for (const h of holdings) {
    const conId = h.conId ?? conIdOf(h.symbol);
    const currency = h.currency ?? base;
    if (h.quantity !== undefined && h.quantity !== 0) {
      snapshot.positions.push({
        conId,
        symbol: h.symbol,
        currency,
        quantity: h.quantity,
        avgCost: h.avgCost ?? h.price ?? 1,
      });
    }
    if (!h.noQuote) {
      snapshot.quotes.push({
        conId,
        time: QUOTE_TIME,
        delayed: false,
        ...(h.price === undefined ? {} : { last: h.price }),
        ...h.quote,
      });
    }
    snapshot.contracts.push({
      conId,
      symbol: h.symbol,
      secType: h.secType ?? "STK",
      exchange: "SMART",
      ...(h.primaryExchange === undefined ? {} : { primaryExchange: h.primaryExchange }),
      currency,
      minTick: h.minTick ?? 0.01,
      sizeIncrement: h.sizeIncrement ?? 1,
    });
    const q = h.quote ?? {};
    const mark =
      h.price ??
      (q.bid !== undefined && q.ask !== undefined ? (q.bid + q.ask) / 2 : (q.last ?? q.close ?? 0));
    value += (h.quantity ?? 0) * mark * (rates[currency] ?? 0);
  }
  snapshot.netLiquidation = options.netLiquidation ?? Math.round(value * 100) / 100;
  return snapshot;
}

export type PortfolioOverrides = Partial<Omit<Portfolio, "trading" | "targets">> & {
  trading?: Partial<Portfolio["trading"]>;
};

export function makePortfolio(
  targets: (Partial<Target> & { symbol: string; weight: number })[],
  overrides: PortfolioOverrides = {},
): Portfolio {
  const baseCurrency = overrides.baseCurrency ?? "USD";
  return {
    version: 1,
    account: "DU1234567",
    baseCurrency,
    cash: { weight: 0, minimum: 0 },
    bands: { absolute: 1, relative: 25 },
    limits: { maxOrderValue: 1e9, maxTurnover: 200 },
    tolerances: { priceMoveBps: 50, planTtl: "4h" },
    fx: { mode: "forbid", minOrder: 100, limitOffsetBps: 5, sweep: false },
    suspend: false,
    ...overrides,
    targets: targets.map((t) => ({ secType: "STK", exchange: "SMART", currency: baseCurrency, ...t })),
    trading: {
      mode: "full",
      rebalanceTo: "target",
      minTradeValue: 100,
      orderType: "LMT",
      limitOffsetBps: 10,
      unmanaged: "warn",
      commission: { perShare: 0.005, minimum: 1, maximumPercent: 1 },
      ...overrides.trading,
    },
  };
}

export const PORTFOLIO_HASH = "a".repeat(64);

export function plan(
  portfolio: Portfolio,
  snapshot: Snapshot,
  options: Partial<ComputePlanOptions> = {},
): PlanResult {
  return computePlan(portfolio, snapshot, {
    now: NOW,
    toolVersion: "0.0.0-test",
    portfolioHash: PORTFOLIO_HASH,
    ...options,
  });
}

/** The plan, or a test failure that lists why there is none. */
export function planOk(
  portfolio: Portfolio,
  snapshot: Snapshot,
  options: Partial<ComputePlanOptions> = {},
): Plan {
  const result = plan(portfolio, snapshot, options);
  if (!result.ok) throw new Error(`expected a plan, got: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.plan;
}

/** Error codes of a plan that must fail, or a test failure when it does not. */
export function planErrors(
  portfolio: Portfolio,
  snapshot: Snapshot,
): { code: string; message: string; hint?: string; field?: string; symbol?: string }[] {
  const result = plan(portfolio, snapshot);
  if (result.ok) throw new Error(`expected errors, got a plan with ${result.plan.orders.length} orders`);
  return result.errors;
}

/** The account after every order of a plan filled at its estimated price and commission. */
export function applyOrders(snapshot: Snapshot, planned: Plan): Snapshot {
  const positions = new Map(snapshot.positions.map((p) => [p.conId, { ...p }]));
  const cash = { ...snapshot.cash };
  for (const order of planned.orders) {
    const signed = order.side === "BUY" ? order.quantity : -order.quantity;
    const position = positions.get(order.conId) ?? {
      conId: order.conId,
      symbol: order.symbol,
      currency: order.currency,
      quantity: 0,
      avgCost: order.estimatedPrice,
    };
    position.quantity = Math.round((position.quantity + signed) * 1e8) / 1e8;
    positions.set(order.conId, position);
    cash[order.currency] =
      (cash[order.currency] ?? 0) - signed * order.estimatedPrice - order.estimatedCommission;
  }
  return { ...snapshot, cash, positions: [...positions.values()].filter((p) => p.quantity !== 0) };
}

/** Shares bought (positive) or sold (negative) per symbol. */
export function tradesBySymbol(planned: Plan): Record<string, number> {
  return Object.fromEntries(
    planned.orders.map((o) => [o.symbol, o.side === "BUY" ? o.quantity : -o.quantity]),
  );
}

/** The plan for VTI and BND at 60/40, holding 100 VTI at 100, 20 BND at 50 and 5,000 USD. */
export function twoFundPlan(): Plan {
  return planOk(
    makePortfolio([
      { symbol: "VTI", weight: 60 },
      { symbol: "BND", weight: 40 },
    ]),
    makeSnapshot(
      [
        { symbol: "VTI", price: 100, quantity: 100 },
        { symbol: "BND", price: 50, quantity: 20 },
      ],
      { cash: { USD: 5000 } },
    ),
  );
}
