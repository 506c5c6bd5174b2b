import type { OrderRequest, Side } from "../broker/broker.js";
import type { OrderType } from "../core/portfolio.js";

/** One order of a reviewed plan, as the executor needs it. */
export interface ExecutableLeg {
  leg: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  limitPrice?: number;
  /** The plan's valuation price: the reference for slippage and for sizing buys. */
  estimatedPrice: number;
  contract: OrderRequest["contract"];
}

export type LegStatus = "filled" | "partial" | "unfilled" | "rejected" | "not-sent";

export interface LegFill {
  execId: string;
  orderId: number;
  time: string;
  shares: number;
  price: number;
  commission?: number;
  commissionCurrency?: string;
}

export interface LegOutcome {
  leg: string;
  orderRef: string;
  side: Side;
  symbol: string;
  conId: number;
  currency: string;
  plannedQuantity: number;
  /** What was sent to IB; less than planned when realised cash could not pay for the whole buy. */
  sentQuantity: number;
  filledQuantity: number;
  /** Volume-weighted fill price; 0 without fills. */
  avgPrice: number;
  estimatedPrice: number;
  status: LegStatus;
  /** IB order ids and permanent ids of this leg's order. */
  orderIds: number[];
  permIds: number[];
  fills: LegFill[];
  commission: number;
  /** True when an earlier run had already sent this leg and this run only followed it. */
  resumed: boolean;
  /** Why the leg ended as it did, in words (IB's rejection text, a cancel at the deadline, a shrink). */
  notes: string[];
}

export type ProgressEvent =
  | { kind: "placed"; leg: string; symbol: string; side: Side; quantity: number; orderId: number }
  | { kind: "resumed"; leg: string; symbol: string; filled: number; quantity: number }
  | { kind: "filled"; leg: string; symbol: string; filled: number; quantity: number; price: number }
  | { kind: "rejected"; leg: string; symbol: string; message: string }
  | { kind: "cancelled"; leg: string; symbol: string; filled: number; quantity: number }
  | { kind: "note"; leg?: string; message: string }
  | { kind: "reconnecting"; attempt: number; message: string }
  | { kind: "reconnected"; attempt: number };

export interface ExecutionResult {
  legs: LegOutcome[];
  /** Every leg was found filled (at IB or in an earlier run's ledger) before anything was sent. */
  alreadyApplied: boolean;
  /** Every leg had ended before this run (some not filled: rejected, cancelled) and nothing was sent. */
  alreadyAttempted: boolean;
  /** Set when the run had to stop before following every leg to its end. */
  interrupted?: string;
}
