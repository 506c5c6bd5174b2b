// What the state file must say of a currency pair (secType CASH) beyond the schema: two currencies, on
// IDEALPRO, quoted as IB quotes it. Paths are relative to the contract or the quote.
import { IDEALPRO } from "../engine/fx-pricing.js";
import type { SimContractSpec, SimQuote } from "./sim-state.js";

export interface StateProblem {
  path: string;
  message: string;
  hint?: string;
}

/** A pair is named by its two currencies and trades on IDEALPRO, as IB lists EUR.USD. */
export function pairProblems(contract: SimContractSpec): StateProblem[] {
  const name = `${contract.symbol}.${contract.currency}`;
  const problems: StateProblem[] = [];
  if (!/^[A-Z]{3}$/.test(contract.symbol)) {
    problems.push({
      path: ".symbol",
      message: `a currency pair's symbol is the currency it buys or sells, not "${contract.symbol}"`,
      hint: "for EUR.USD write symbol: EUR, currency: USD",
    });
  } else if (contract.symbol === contract.currency) {
    problems.push({ path: ".currency", message: `the pair ${name} trades a currency for itself` });
  }
  if (contract.exchange !== undefined && contract.exchange !== IDEALPRO) {
    problems.push({
      path: ".exchange",
      message: `the simulator trades currency pairs on ${IDEALPRO} only, not on ${contract.exchange}`,
      hint: `write exchange: ${IDEALPRO} or leave it out`,
    });
  }
  if (contract.primaryExchange !== undefined) {
    problems.push({ path: ".primaryExchange", message: `a currency pair has no primary exchange` });
  }
  return problems;
}

/** Allowed distance between a pair's quote and the rate exchangeRates imply for it. */
const PAIR_RATE_TOLERANCE = 0.1;

/**
 * IDEALPRO reports no trades, and a pair's price is its currency per unit of its symbol: a quote far
 * from what exchangeRates say is most likely the pair written upside down.
 */
export function pairQuoteProblems(
  contract: SimContractSpec,
  quote: SimQuote,
  rates: Record<string, number>,
): StateProblem[] {
  const name = `${contract.symbol}.${contract.currency}`;
  const problems: StateProblem[] = [];
  const trades = (["last", "lastSize", "volume"] as const).filter((k) => quote[k] !== undefined);
  if (trades.length > 0) {
    problems.push({
      path: "",
      message: `${name} has ${trades.join(", ")}, but IDEALPRO reports no trades for a currency pair`,
      hint: "give bid, ask (with their sizes) and close",
    });
  }
  const price =
    quote.bid !== undefined && quote.ask !== undefined
      ? (quote.bid + quote.ask) / 2
      : (quote.close ?? quote.bid ?? quote.ask);
  const symbolRate = rates[contract.symbol];
  const currencyRate = rates[contract.currency];
  if (price === undefined || symbolRate === undefined || currencyRate === undefined) return problems;
  const implied = symbolRate / currencyRate;
  if (Math.abs(price / implied - 1) > PAIR_RATE_TOLERANCE) {
    problems.push({
      path: "",
      message: `${name} is quoted at ${price}, far from the ${Number(implied.toPrecision(6))} that exchangeRates give for it`,
      hint: `a pair's price is ${contract.currency} per one ${contract.symbol}; check the quote and exchangeRates`,
    });
  }
  return problems;
}
