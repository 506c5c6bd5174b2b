// Orders and executions as the simulated broker keeps them, and the rule that decides fill prices.
import { roundToIncrement } from "../wire/field-format.js";
import type { PlacedOrder, TagValue } from "../wire/parse-place-order.js";
import type { SimContract, SimQuote } from "../state/sim-state.js";

/** IB's order states, as orderStatus reports them. */
export type SimOrderStatus =
  "PendingSubmit" | "PreSubmitted" | "Submitted" | "PendingCancel" | "Cancelled" | "Filled" | "Inactive";

export const SUPPORTED_ORDER_TYPES = ["MKT", "LMT", "MOC", "LOC"] as const;

/** IDEALPRO has no closing auction: IB lists no MOC or LOC among a currency pair's order types. */
export const PAIR_ORDER_TYPES = ["MKT", "LMT"] as const;

export interface SimOrder {
  orderId: number;
  clientId: number;
  /** Unique and non-zero: IBApiNext matches orders by it. */
  permId: number;
  account: string;
  contract: SimContract;
  action: "BUY" | "SELL";
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  orderRef: string;
  transmit: boolean;
  outsideRth: boolean;
  algoStrategy: string;
  algoParams: TagValue[];
  /** The order as the client sent it, and how its PLACE_ORDER message parsed. */
  placed: PlacedOrder;
  wire: { fieldCount: number; cursorEnd: number };
  status: SimOrderStatus;
  filled: number;
  /** Sum of price x shares over executions. */
  filledValue: number;
  lastFillPrice: number;
  /** Charged so far, in `commissionCurrency`. */
  commission: number;
  /** The contract's currency; the account's base currency for a currency pair. */
  commissionCurrency: string;
  whyHeld: string;
  /** Finished (filled, cancelled, rejected): no longer open, reported by REQ_COMPLETED_ORDERS. */
  done: boolean;
  completedStatus: string;
  createdAt: number;
  completedAt: number | undefined;
  /** A partial-fill fault holds the remainder back (until a timer releases it, or for good). */
  remainderHeld: boolean;
  /** Set for a what-if order: what it would do to the account. Such an order is never placed. */
  preview?: OrderPreview;
}

/** A what-if order's answer, in the account's base currency (commission in `commissionCurrency`). */
export interface OrderPreview {
  initMarginBefore: number;
  maintMarginBefore: number;
  equityWithLoanBefore: number;
  initMarginAfter: number;
  maintMarginAfter: number;
  equityWithLoanAfter: number;
  commission: number;
  commissionCurrency: string;
  /** Why the order would be refused; empty when it would be accepted. */
  warning: string;
}

export interface SimExecution {
  execId: string;
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  contract: SimContract;
  side: "BOT" | "SLD";
  shares: number;
  price: number;
  /** Epoch milliseconds. */
  time: number;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
  exchange: string;
  commission: number;
  commissionCurrency: string;
  /** Only for executions that closed shares; undefined otherwise (IB sends "unset"). */
  realizedPnl: number | undefined;
}

export function remaining(order: SimOrder): number {
  return Math.max(0, roundQuantity(order.totalQuantity - order.filled, order.contract));
}

export function avgFillPrice(order: SimOrder): number {
  return order.filled === 0 ? 0 : order.filledValue / order.filled;
}

/** The touch a market order takes: the ask to buy, the bid to sell; the last, else the close, when that side is missing. */
export function touchPrice(order: SimOrder, quote: SimQuote | undefined): number | undefined {
  return (order.action === "BUY" ? quote?.ask : quote?.bid) ?? quote?.last ?? quote?.close;
}

/** What an on-close order trades at: the last price, else the close, else the touch. */
function closingPrice(order: SimOrder, quote: SimQuote | undefined): number | undefined {
  return quote?.last ?? quote?.close ?? touchPrice(order, quote);
}

/**
 * The price this order trades at against `quote` now, or undefined when it does not trade: market
 * orders take the touch, limit orders trade at the touch when it is at or better than the limit,
 * on-close orders at the closing price (LOC only when that is within the limit).
 */
export function fillPrice(order: SimOrder, quote: SimQuote | undefined): number | undefined {
  const buy = order.action === "BUY";
  const within = (price: number | undefined): number | undefined =>
    price !== undefined && order.lmtPrice !== undefined && marketable(buy, price, order.lmtPrice)
      ? price
      : undefined;
  let price: number | undefined;
  switch (order.orderType) {
    case "MKT":
      price = touchPrice(order, quote);
      break;
    case "MOC":
      price = closingPrice(order, quote);
      break;
    case "LMT":
      price = within(touchPrice(order, quote));
      break;
    case "LOC":
      price = within(closingPrice(order, quote));
      break;
    default:
      price = undefined;
  }
  return price === undefined ? undefined : roundToIncrement(price, order.contract.minTick);
}

/**
 * The price IB's pre-trade checks value an order at: its limit, else the price it would trade at now
 * (the touch for market orders, the closing price for on-close orders). Undefined without a quote.
 */
export function estimatedPrice(order: SimOrder, quote: SimQuote | undefined): number | undefined {
  if (order.orderType === "LMT" || order.orderType === "LOC") return order.lmtPrice;
  return order.orderType === "MOC" ? closingPrice(order, quote) : touchPrice(order, quote);
}

function marketable(buy: boolean, price: number, limit: number): boolean {
  // A small epsilon: limits arrive as JS String(n) and may carry binary noise.
  return buy ? price <= limit + 1e-9 : price >= limit - 1e-9;
}

export function roundQuantity(quantity: number, contract: SimContract): number {
  return roundToIncrement(quantity, contract.sizeIncrement);
}
