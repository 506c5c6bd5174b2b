// The plan document: what `plan` computes, what the pull request shows, and what `apply` executes.
// schema/plan.schema.json describes the same structure; test/core/plan-schema.test.ts keeps them in step.
import type { OrderType, RebalanceTo, TradingMode } from "./portfolio.js";

import type { Snapshot } from "./snapshot.js";

/** 2: the plan embeds the whole snapshot it was computed from, so that apply can re-derive it. */
export const PLAN_SCHEMA_VERSION = 2;

/** Which quote field valued a contract: bid/ask midpoint, last trade, or the previous close. */
export type PriceSource = "mid" | "last" | "close";
export type OrderSide = "BUY" | "SELL";

export interface PlanOrder {
  /** Stable id within the plan: S1, S2... for sells, F1, F2... for conversions, then B1, B2... for buys. */
  leg: string;
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExchange?: string;
  currency: string;
  side: OrderSide;
  quantity: number;
  orderType: OrderType;
  /** LMT only: the valuation price moved by limitOffsetBps, rounded to minTick, never beyond the collar. */
  limitPrice?: number;
  timeInForce: "DAY";
  /** Valuation price, in the order's currency. */
  estimatedPrice: number;
  /** quantity x estimatedPrice, in the order's currency. */
  estimatedValue: number;
  /** The same in baseCurrency. */
  estimatedValueBase: number;
  /** In the order's currency. */
  estimatedCommission: number;
  reason: string;
}

/** A currency conversion leg (F1, F2...), or its contract: an IDEALPRO pair, not a holding. */
export function isConversion(order: Pick<PlanOrder, "secType">): boolean {
  return order.secType === "CASH";
}

export type WeightKind = "target" | "cash" | "unmanaged";

/** One row of the weights table; weights and bands are in percent of the managed value. */
export interface PlanWeight {
  kind: WeightKind;
  /** The ticker, or CASH. */
  symbol: string;
  conId?: number;
  currency?: string;
  quantityBefore?: number;
  quantityAfter?: number;
  before: number;
  target: number;
  after: number;
  /** Half-width of the band, in percentage points. */
  band: number;
  inBandBefore: boolean;
  inBandAfter: boolean;
}

export type WarningCode =
  | "unmanaged-position"
  | "unmanaged-not-sold"
  | "price-delayed"
  | "price-old"
  | "price-close"
  | "valued-at-cost"
  | "net-liquidation-mismatch"
  | "open-orders"
  | "out-of-band-after"
  | "fractional-remainder"
  | "fx-odd-lot"
  | "search-incomplete";

export interface PlanWarning {
  code: WarningCode;
  message: string;
  symbol?: string;
  conId?: number;
}

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  account: string;
  baseCurrency: string;
  createdAt: string;
  /** createdAt plus tolerances.planTtl: apply refuses the plan after this. */
  expiresAt: string;
  /** Commit of the ops repository the plan was made from, when known. */
  sourceCommit?: string;
  /** SHA-256 of the portfolio.yaml bytes. */
  portfolioHash: string;
  toolVersion: string;
  mode: TradingMode;
  rebalanceTo: RebalanceTo;
  /** Net liquidation value at the plan's prices, in baseCurrency. */
  netLiquidation: number;
  /** The part weights are measured against: net liquidation less positions left alone. */
  managedValue: number;
  /**
   * The snapshot the plan was computed from, whole and normalized (normalizeSnapshot): planning is a
   * pure function of portfolio.yaml and it, so apply recomputes the plan from it and refuses any other
   * plan, and compares it with a live snapshot to refuse a stale one.
   */
  snapshot: Snapshot;
  orders: PlanOrder[];
  weights: PlanWeight[];
  /** Half the sum of |weight - target| over targets and cash, in percent, before and after the orders. */
  drift: { before: number; after: number };
  /** Value of all orders in baseCurrency, and as percent of net liquidation value. */
  turnover: { value: number; percent: number };
  /** In baseCurrency. */
  estimatedCommissions: number;
  /** Cash per currency after every order at its estimated price and commission. */
  cashAfter: Record<string, number>;
  warnings: PlanWarning[];
  /** SHA-256 of the canonical JSON of the plan without this field. */
  hash: string;
}

export type PlanProblemCode =
  | "suspended"
  | "account-mismatch"
  | "base-currency-mismatch"
  | "invalid-time"
  | "invalid-ttl"
  | "weights-total"
  | "missing-exchange-rate"
  | "duplicate-entry"
  | "no-contract"
  | "ambiguous-contract"
  | "contract-mismatch"
  | "duplicate-target"
  | "no-price"
  | "non-positive-value"
  | "max-order-value"
  | "max-turnover"
  | "currency-short"
  | "no-fx-pair";

/** Why no plan could be made: what is wrong, where (symbol, field), and what to do. */
export interface PlanProblem {
  code: PlanProblemCode;
  message: string;
  hint?: string;
  symbol?: string;
  conId?: number;
  /** Which input the field is in. */
  document?: "portfolio" | "snapshot";
  /** Path of the field at fault, in portfolio.yaml (`targets[2].conId`) or the snapshot (`quotes[0].time`). */
  field?: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; errors: PlanProblem[] };
