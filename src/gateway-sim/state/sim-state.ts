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

export interface SimAccountSpec {
  id: string;
  baseCurrency: string;
  cash?: Record<string, number>;
  positions?: SimPositionSpec[];
}

export interface SimContractSpec {
  conId: number;
  symbol: string;
  secType?: "STK" | "FUND";
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
  faults?: Fault[];
}

export interface SimPosition {
  quantity: number;
  avgCost: number;
}

export interface SimAccount {
  id: string;
  baseCurrency: string;
  /** Cash per currency, in that currency. */
  cash: Map<string, number>;
  /** By conId, in the order they were first held. Zero rows stay (IB reports positions closed today). */
  positions: Map<number, SimPosition>;
  /** Realised profit and loss per currency since the simulator started. */
  realizedPnl: Map<string, number>;
}

export interface SimContract {
  conId: number;
  symbol: string;
  secType: "STK" | "FUND";
  exchange: string;
  primaryExchange: string | undefined;
  currency: string;
  localSymbol: string;
  tradingClass: string;
  minTick: number;
  sizeIncrement: number;
  longName: string;
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
}
