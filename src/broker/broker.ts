// The Broker port: everything folioctl asks of IB Gateway, in our own types. One implementation talks
// to IB through @stoqey/ib (ib/ib-broker.ts); tests run that same implementation against the simulator.
import type { OrderType } from "../core/portfolio.js";
import type { SnapshotContract, SnapshotPosition, SnapshotQuote } from "../core/snapshot.js";

export interface BrokerSession {
  serverVersion: number;
  /** Accounts this login may trade, as MANAGED_ACCTS lists them. */
  managedAccounts: string[];
  /** The gateway's own clock at connection, as it reported it (`20261124 09:30:00 EST`). */
  connectionTime: string;
}

export interface AccountValues {
  account: string;
  /** The account's base currency as IB reports it (the BASE row's currency). */
  baseCurrency: string;
  /** Cash per currency, in that currency. */
  cash: Record<string, number>;
  /** Base-currency value of one unit of each currency. */
  exchangeRates: Record<string, number>;
  netLiquidation: number;
}

export interface ContractQuery {
  conId?: number;
  symbol?: string;
  secType: string;
  exchange: string;
  primaryExchange?: string;
  currency?: string;
}

export type Side = "BUY" | "SELL";

export interface OrderRequest {
  account: string;
  contract: Pick<
    SnapshotContract,
    "conId" | "symbol" | "secType" | "exchange" | "primaryExchange" | "currency"
  >;
  side: Side;
  quantity: number;
  orderType: OrderType;
  /** Required for LMT; already rounded to the contract's minTick. */
  limitPrice?: number;
  /** `folioctl:<plan hash 12>:<leg>`: how a re-run recognises its own orders. */
  orderRef: string;
}

export interface BrokerOrder {
  orderId: number;
  permId: number;
  clientId: number;
  account: string;
  conId: number;
  symbol: string;
  side: Side;
  quantity: number;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  orderType: string;
  limitPrice?: number;
  orderRef: string;
  /** IB's status word: PendingSubmit, PreSubmitted, Submitted, Filled, Cancelled, Inactive, ... */
  status: string;
  /** Completed orders only: how it ended in IB's words ("Cancelled by Trader", "Rejected: ..."). */
  completedStatus?: string;
}

export interface BrokerExecution {
  execId: string;
  orderId: number;
  permId: number;
  orderRef: string;
  account: string;
  conId: number;
  symbol: string;
  side: Side;
  shares: number;
  price: number;
  /** As IB writes it: `20261124 10:31:02 America/New_York` or `20261124-15:31:02`. */
  time: string;
  commission?: number;
  commissionCurrency?: string;
}

export type BrokerEvent =
  | { kind: "order-status"; order: BrokerOrder }
  | { kind: "execution"; execution: BrokerExecution }
  | { kind: "commission"; execId: string; commission: number; currency: string }
  | { kind: "order-error"; orderId: number; code: number; message: string }
  | { kind: "connection"; state: "lost" | "restored" | "closed"; code?: number; message: string };

export interface Broker {
  /** Connects, waits until the gateway is ready for requests (nextValidId), and says what it found. */
  connect(): Promise<BrokerSession>;
  close(): Promise<void>;
  /**
   * The gateway's clock (reqCurrentTime, whole seconds). Whether a market is in session is judged by
   * it: it is the clock of the broker that would hold an order outside the session.
   */
  currentTime(): Promise<Date>;
  accountValues(account: string): Promise<AccountValues>;
  /** Positions of one account, zero quantities dropped. */
  positions(account: string): Promise<SnapshotPosition[]>;
  /** Every contract matching the query; an empty list when IB has none. */
  contractDetails(query: ContractQuery): Promise<SnapshotContract[]>;
  /** One snapshot quote per contract: live where permitted, delayed where not, marked as such. */
  quotes(contracts: SnapshotContract[]): Promise<SnapshotQuote[]>;
  /** Open orders of every client of this login. */
  openOrders(): Promise<BrokerOrder[]>;
  /** Orders that ended today (filled, cancelled, rejected). */
  completedOrders(): Promise<BrokerOrder[]>;
  /** Today's executions of one account, with their commissions. */
  executions(account: string): Promise<BrokerExecution[]>;
  /** Sends an order and resolves once the gateway acknowledged it (or rejects on an immediate error). */
  placeOrder(request: OrderRequest): Promise<{ orderId: number }>;
  cancelOrder(orderId: number): Promise<void>;
  /** Order and connection events as they happen; returns the unsubscribe function. */
  subscribe(listener: (event: BrokerEvent) => void): () => void;
}

/** What resolving contracts needs of a Broker: one question to IB per query. */
export type ContractLookup = Pick<Broker, "contractDetails">;

/**
 * Reads of several accounts of one login at once (an advisor's login manages hundreds): one position
 * stream and one account summary for all of them where IB allows it, per-account requests where not.
 */
export interface AccountsReader {
  /** The accounts the login manages, as MANAGED_ACCTS listed them at connect. */
  readonly managedAccounts: readonly string[];
  /** Each account's values, keyed by account. */
  accountValuesOf(accounts: readonly string[]): Promise<Map<string, AccountValues>>;
  /** Each account's positions, zero quantities dropped, keyed by account. */
  positionsOf(accounts: readonly string[]): Promise<Map<string, SnapshotPosition[]>>;
}
