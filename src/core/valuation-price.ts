import type { PriceSource } from "./plan.js";
import type { Snapshot, SnapshotQuote } from "./snapshot.js";

export interface Valuation {
  price: number;
  source: PriceSource;
}

const usable = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value > 0;

/**
 * The price a contract is valued and traded at: the bid/ask midpoint when both sides are there and not
 * crossed, else the last trade, else the previous close. Undefined when the quote has none of them.
 */
export function valuationPrice(quote: SnapshotQuote | undefined): Valuation | undefined {
  if (quote === undefined) return undefined;
  const { bid, ask, last, close } = quote;
  if (usable(bid) && usable(ask) && ask >= bid) {
    // Rounded so that float noise in the midpoint (250.00499999) does not reach the plan.
    return { price: Math.round(((bid + ask) / 2) * 1e8) / 1e8, source: "mid" };
  }
  if (usable(last)) return { price: last, source: "last" };
  if (usable(close)) return { price: close, source: "close" };
  return undefined;
}

/** The valuation price of every contract the snapshot has a usable quote for, by conId. */
export function valuationPrices(snapshot: Snapshot): Map<number, number> {
  const prices = new Map<number, number>();
  for (const quote of snapshot.quotes) {
    const valuation = valuationPrice(quote);
    if (valuation !== undefined) prices.set(quote.conId, valuation.price);
  }
  return prices;
}
