// The ledger record: what one apply run did, committed to git next to the plan it executed. It must be
// complete on its own: a reader with only this file knows what was sent, what filled, at what price
// and cost, and why anything did not. schema/ledger.schema.json describes the same structure.
import type { LegStatus } from "./execution-types.js";
import type { StaleDifference } from "./refusal.js";
import type { RefusalReason } from "../errors.js";

export const LEDGER_SCHEMA_VERSION = 1;

export type ApplyOutcome = "applied" | "already-applied" | "partial" | "refused" | "error";

export interface LedgerExecution {
  execId: string;
  orderId: number;
  /** ISO 8601 (`2026-12-02T00:42:53Z`); records by earlier versions may hold IB's `20261202 00:42:53 UTC`. */
  time: string;
  quantity: number;
  price: number;
  commission: number | null;
  commissionCurrency: string | null;
}

export interface LedgerOrder {
  leg: string;
  orderRef: string;
  side: "BUY" | "SELL";
  symbol: string;
  conId: number;
  currency: string;
  orderType: string;
  limitPrice: number | null;
  plannedQuantity: number;
  sentQuantity: number;
  filledQuantity: number;
  /** Planned (valuation) price and the volume-weighted fill price, in the order's currency. */
  estimatedPrice: number;
  avgPrice: number | null;
  /** Against the planned price, in basis points; positive is worse for us (paid more, got less). */
  slippageBps: number | null;
  commission: number;
  status: LegStatus;
  orderIds: number[];
  permIds: number[];
  /** True when an earlier, interrupted run sent this leg and this run followed it. */
  resumed: boolean;
  notes: string[];
  executions: LedgerExecution[];
}

export interface LedgerTotals {
  legs: number;
  filled: number;
  partial: number;
  unfilled: number;
  rejected: number;
  notSent: number;
  /** Filled value in baseCurrency. */
  boughtValue: number;
  soldValue: number;
  /** Commissions in baseCurrency. */
  commissions: number;
}

export interface LedgerRecord {
  schemaVersion: typeof LEDGER_SCHEMA_VERSION;
  account: string;
  baseCurrency: string;
  planHash: string;
  planCreatedAt: string;
  /** The ops repository commit the plan was made from, when the plan says. */
  sourceCommit: string | null;
  toolVersion: string;
  startedAt: string;
  finishedAt: string;
  outcome: ApplyOutcome;
  refusal: { reason: RefusalReason; message: string; hint: string; differences: StaleDifference[] } | null;
  /** Set when the run stopped early (a lost connection it could not restore, an unexpected error). */
  error: string | null;
  orders: LedgerOrder[];
  totals: LedgerTotals;
  /** Residual drift (percent) the plan expected, and measured on a fresh snapshot after the run. */
  drift: { before: number; planned: number; after: number | null };
}
