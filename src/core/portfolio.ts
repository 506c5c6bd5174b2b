// The desired state, as loaded from portfolio.yaml with every default filled in.
// schema/portfolio.schema.json is the source of truth for structure; test/config/portfolio-type.test.ts
// checks that this type and the schema agree.

export type TradingMode = "full" | "buy-only" | "sell-only";
export type RebalanceTo = "target" | "band-edge";
export type OrderType = "MKT" | "LMT" | "ADAPTIVE" | "MOC";
export type UnmanagedPolicy = "ignore" | "warn" | "sell";
export type SecType = "STK" | "FUND";
export type FxMode = "forbid" | "convert";

export interface Target {
  symbol: string;
  /** Percent of net liquidation value, in (0, 100]. */
  weight: number;
  conId?: number;
  secType: SecType;
  exchange: string;
  primaryExchange?: string;
  /** Defaults to the portfolio's baseCurrency. */
  currency: string;
}

export interface CommissionSchedule {
  perShare: number;
  minimum: number;
  /** Cap as percent of trade value. */
  maximumPercent: number;
}

export interface Portfolio {
  version: 1;
  account: string;
  baseCurrency: string;
  targets: Target[];
  cash: {
    weight: number;
    minimum: number;
    /** cash.weight split by currency, in percent of net liquidation value; the parts sum to weight. */
    currencies?: Record<string, number>;
  };
  bands: { absolute: number; relative: number };
  trading: {
    mode: TradingMode;
    rebalanceTo: RebalanceTo;
    minTradeValue: number;
    orderType: OrderType;
    limitOffsetBps: number;
    unmanaged: UnmanagedPolicy;
    commission: CommissionSchedule;
  };
  /** Currency conversions: IB never converts cash by itself. */
  fx: {
    mode: FxMode;
    /** Smallest conversion, in baseCurrency. */
    minOrder: number;
    limitOffsetBps: number;
    /** Convert foreign cash above what the plan keeps back to baseCurrency. */
    sweep: boolean;
  };
  limits: { maxOrderValue: number; maxTurnover: number };
  tolerances: { priceMoveBps: number; planTtl: string };
  suspend: boolean;
}
