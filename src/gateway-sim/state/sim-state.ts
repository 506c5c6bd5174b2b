// The simulator's state file (schema/sim-state.schema.json) and the mutable world built from it.
// The file format is a contract: tests and users write it, `--save` writes it back.
import type { TradingHours } from "../../core/trading-hours.js";
import type { Fault } from "../engine/fault-script.js";

export type MarketDataPermission = "live" | "delayed" | "none";

export interface SimPositionSpec {
  conId: number;
  quantity: number;
  avgCost?: number;
}

/** A cash account pays for what it buys and cannot sell short; a margin account borrows against margin. */
export type SimAccountType = "cash" | "margin";

export interface SimAccountSpec {
  id: string;
  baseCurrency: string;
  accountType?: SimAccountType;
  cash?: Record<string, number>;
  positions?: SimPositionSpec[];
}

/** Stocks and ETFs, mutual funds, and IDEALPRO currency pairs (symbol = the currency bought or sold). */
export type SimSecType = "STK" | "FUND" | "CASH";

export interface SimContractSpec {
  conId: number;
  symbol: string;
  secType?: SimSecType;
  exchange?: string;
  primaryExchange?: string;
  currency: string;
  localSymbol?: string;
  tradingClass?: string;
  minTick?: number;
  sizeIncrement?: number;
  longName?: string;
  timeZoneId?: string;
  liquidHours?: string;
  tradingHours?: string;
  /** Margin accounts: initial and maintenance margin as a fraction of the position's value. */
  initMarginRate?: number;
  maintMarginRate?: number;
}

export interface SimQuote {
  bid?: number;
  ask?: number;
  last?: number;
  close?: number;
  bidSize?: number;
  askSize?: number;
  lastSize?: number;
  volume?: number;
}

/** The state file as written. */
export interface SimStateFile {
  accounts: SimAccountSpec[];
  contracts: SimContractSpec[];
  quotes?: Record<string, SimQuote>;
  exchangeRates?: Record<string, number>;
  marketData?: MarketDataPermission;
  /** IB's API setting "Include FX positions when sending portfolio" (on by default). */
  includeFxPositions?: boolean;
  /** The simulated time at start (ISO 8601 with a zone); it runs on with real elapsed time. */
  clock?: string;
  faults?: Fault[];
}

export interface SimPosition {
  quantity: number;
  avgCost: number;
}

export interface SimAccount {
  id: string;
  baseCurrency: string;
  accountType: SimAccountType;
  /** Cash per currency, in that currency. */
  cash: Map<string, number>;
  /**
   * By conId, in the order they were first held. Zero rows stay (IB reports positions closed today).
   * Currency pairs (CASH) hold IB's virtual FX positions: a record of pair trades whose money is in
   * `cash`, so that nothing values them twice.
   */
  positions: Map<number, SimPosition>;
  /** Realised profit and loss per currency since the simulator started. */
  realizedPnl: Map<string, number>;
  /** Today's trading per contract (conId), for daily P&L; a contract not traded today has no entry. */
  day: Map<number, DayTrading>;
}

/**
 * One contract's trading today. The simulator's day starts when it does: what the state file holds
 * was held overnight, and trades since then are today's.
 */
export interface DayTrading {
  /** The position before today's first trade in it. */
  openingQuantity: number;
  /** What today's trades cost, in the contract's currency: bought less sold, commissions included. */
  netCost: number;
  /** P&L realised by today's trades, commissions included; undefined until a trade closes shares. */
  realizedPnl: number | undefined;
}

export interface SimContract {
  conId: number;
  symbol: string;
  secType: SimSecType;
  exchange: string;
  primaryExchange: string | undefined;
  currency: string;
  localSymbol: string;
  tradingClass: string;
  minTick: number;
  sizeIncrement: number;
  longName: string;
  /** Fractions of the position's value a margin account must hold (a cash account pays in full). */
  initMarginRate: number;
  maintMarginRate: number;
  timeZoneId: string | undefined;
  liquidHoursText: string | undefined;
  tradingHoursText: string | undefined;
  /** Parsed liquidHours; undefined means always open. */
  liquidHours: TradingHours | undefined;
  /** Parsed tradingHours (extended), falling back to liquidHours. */
  extendedHours: TradingHours | undefined;
}

/** Everything the simulated broker holds, mutable while it runs. */
export interface SimWorld {
  accounts: Map<string, SimAccount>;
  contracts: Map<number, SimContract>;
  quotes: Map<number, SimQuote>;
  /** Value of one unit of a currency in the common reference. */
  exchangeRates: Map<string, number>;
  marketData: MarketDataPermission;
  /** Whether the virtual positions of currency pair trades are reported with the other positions. */
  includeFxPositions: boolean;
  /** The state file's `clock`, kept as written so that a saved state starts at the same time again. */
  clock: string | undefined;
}
