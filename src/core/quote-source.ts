import type { Plan } from "./plan.js";
import { valuationPrice } from "./valuation-price.js";

/** Where a plan's price came from: which quote field, when it was quoted, and whether it was delayed. */
export interface QuoteSource {
  /** `mid`, `last` or `close`, with `, delayed` when the gateway gave delayed data. */
  source: string;
  /** ISO 8601 time of the quote. */
  time: string;
}

/**
 * The source of every price the plan valued a contract at, by conId, read from the snapshot the plan
 * embeds (the same quote valuationPrice chose from, so it is the price the plan shows).
 */
export function quoteSources(plan: Plan): Map<number, QuoteSource> {
  const sources = new Map<number, QuoteSource>();
  for (const quote of plan.snapshot.quotes) {
    const valuation = valuationPrice(quote);
    if (valuation === undefined) continue;
    const source = quote.delayed ? `${valuation.source}, delayed` : valuation.source;
    sources.set(quote.conId, { source, time: quote.time });
  }
  return sources;
}
