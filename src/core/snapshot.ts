// The actual state of an account as the broker reports it. The broker adapter produces it, users and
// tests may write it as a file (schema/snapshot.schema.json), and planning reads nothing else.

export interface SnapshotPosition {
  conId: number;
  symbol: string;
  currency: string;
  /** Shares held; negative is short. IB's zero-quantity rows are dropped before this point. */
  quantity: number;
  avgCost: number;
}

export interface SnapshotQuote {
  conId: number;
  bid?: number;
  ask?: number;
  last?: number;
  close?: number;
  /** ISO 8601 time the quote was taken. */
  time: string;
  /** True when the gateway gave delayed (type 3/4) data instead of live. */
  delayed: boolean;
}

export interface SnapshotContract {
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExchange?: string;
  currency: string;
  minTick: number;
  sizeIncrement: number;
  longName?: string;
  /** IANA zone of the exchange, for example America/New_York. */
  timeZoneId?: string;
  /** IB's liquidHours string: `20261124:0930-20261124:1600;20261125:CLOSED`. */
  liquidHours?: string;
}

export interface SnapshotOpenOrder {
  orderId: number;
  permId: number;
  conId: number;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: number;
  filled: number;
  orderType: string;
  limitPrice?: number;
  orderRef: string;
  status: string;
}

export interface Snapshot {
  account: string;
  baseCurrency: string;
  /** ISO 8601 time the snapshot was taken. */
  asOf: string;
  /** Base-currency value of one unit of each currency; the base currency is 1. */
  exchangeRates: Record<string, number>;
  /** Cash balance per currency, in that currency. */
  cash: Record<string, number>;
  /** Net liquidation value in baseCurrency, as the broker reports it. */
  netLiquidation: number;
  positions: SnapshotPosition[];
  quotes: SnapshotQuote[];
  contracts: SnapshotContract[];
  openOrders: SnapshotOpenOrder[];
}
