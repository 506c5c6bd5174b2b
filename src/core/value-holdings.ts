import { planWarning } from "./plan-warning.js";
import { parseIsoTime } from "./iso-time.js";
import type { PlanProblem, PlanWarning } from "./plan.js";
import type { Portfolio } from "./portfolio.js";
import type { ResolvedTarget } from "./resolve-targets.js";
import type { Snapshot, SnapshotContract, SnapshotPosition, SnapshotQuote } from "./snapshot.js";
import { valuationPrice } from "./valuation-price.js";

/** A quote older than this gets a warning: the weights it gives may be out of date. */
export const PRICE_AGE_WARNING_SECONDS = 15 * 60;

export interface ValuedHolding {
  kind: "target" | "unmanaged";
  symbol: string;
  conId: number;
  currency: string;
  secType: string;
  exchange: string;
  primaryExchange?: string;
  contract?: SnapshotContract;
  /** Index in portfolio.targets; undefined for positions that are not targets. */
  targetIndex?: number;
  /** Target weight as a fraction; 0 for positions that are not targets. */
  targetWeight: number;
  quantity: number;
  /** Valuation price in the contract's currency; undefined when the position was valued at cost. */
  price?: number;
  /** Base-currency value of one unit of the contract's currency. */
  fx: number;
  /** In baseCurrency. */
  value: number;
}

export interface Valuation {
  holdings: ValuedHolding[];
  warnings: PlanWarning[];
  problems: PlanProblem[];
}

/**
 * Values every target and every other position at its valuation price, in the base currency. A target
 * without a price is a problem; a position that is not a target and has no price is valued at its
 * average cost (with a warning) unless it is to be sold, which needs a price.
 */
export function valueHoldings(
  portfolio: Portfolio,
  snapshot: Snapshot,
  resolved: ResolvedTarget[],
  nowMs: number,
): Valuation {
  const quotes = byConId<SnapshotQuote>(snapshot.quotes);
  const positions = byConId<SnapshotPosition>(snapshot.positions);
  // Only positions that are not targets need it (targets come with their contract): built for the first.
  let contracts: Map<number, SnapshotContract> | undefined;
  const result: Valuation = { holdings: [], warnings: [], problems: [] };
  // Quotes taken in one sweep share their time: parse each distinct text once.
  const times = new Map<string, number>();
  const rate = (currency: string): number => snapshot.exchangeRates[currency] ?? Number.NaN;

  const price = (conId: number, symbol: string, currency: string): number | undefined => {
    const quote = quotes.get(conId);
    const valuation = valuationPrice(quote);
    if (quote === undefined || valuation === undefined) return undefined;
    let quoteMs = times.get(quote.time);
    if (quoteMs === undefined) times.set(quote.time, (quoteMs = parseIsoTime(quote.time) ?? nowMs));
    const ageSeconds = Math.max(0, Math.round((nowMs - quoteMs) / 1000));
    if (quote.delayed) {
      result.warnings.push(
        planWarning(
          "price-delayed",
          `${symbol}: valued with delayed market data (no real-time subscription)`,
          symbol,
          conId,
        ),
      );
    }
    if (ageSeconds > PRICE_AGE_WARNING_SECONDS) {
      result.warnings.push(
        planWarning(
          "price-old",
          `${symbol}: the price is ${describeAge(ageSeconds)} old (quote of ${quote.time})`,
          symbol,
          conId,
        ),
      );
    }
    if (valuation.source === "close") {
      result.warnings.push(
        planWarning(
          "price-close",
          `${symbol}: valued at the previous close ${valuation.price} ${currency} (no bid/ask or last trade)`,
          symbol,
          conId,
        ),
      );
    }
    return valuation.price;
  };

  const managed = new Set<number>();
  for (const { target, index, contract } of resolved) {
    managed.add(contract.conId);
    const quantity = positions.get(contract.conId)?.quantity ?? 0;
    const p = price(contract.conId, target.symbol, contract.currency);
    if (p === undefined) {
      result.problems.push({
        code: "no-price",
        document: "portfolio",
        field: `targets[${index}]`,
        symbol: target.symbol,
        conId: contract.conId,
        message: `no price for ${target.symbol} (conId ${contract.conId}): the snapshot has no bid/ask, last or close for it`,
        hint: "check the market data subscription for this contract, or plan again once a quote is available",
      });
      continue;
    }
    const fx = rate(contract.currency);
    result.holdings.push({
      kind: "target",
      symbol: target.symbol,
      conId: contract.conId,
      currency: contract.currency,
      secType: contract.secType,
      exchange: target.exchange,
      primaryExchange: contract.primaryExchange ?? target.primaryExchange,
      contract,
      targetIndex: index,
      targetWeight: target.weight / 100,
      quantity,
      price: p,
      fx,
      value: quantity * p * fx,
    });
  }

  const sells = portfolio.trading.unmanaged === "sell" && portfolio.trading.mode !== "buy-only";
  for (const position of [...snapshot.positions].sort((a, b) => a.conId - b.conId)) {
    if (managed.has(position.conId) || position.quantity === 0) continue;
    contracts ??= byConId<SnapshotContract>(snapshot.contracts);
    const contract = contracts.get(position.conId);
    const fx = rate(position.currency);
    const p = price(position.conId, position.symbol, position.currency);
    const base = {
      kind: "unmanaged" as const,
      symbol: position.symbol,
      conId: position.conId,
      currency: position.currency,
      secType: contract?.secType ?? "STK",
      exchange: contract?.exchange ?? "SMART",
      primaryExchange: contract?.primaryExchange,
      contract,
      targetWeight: 0,
      quantity: position.quantity,
      fx,
    };
    if (p !== undefined) {
      result.holdings.push({ ...base, price: p, value: position.quantity * p * fx });
    } else if (sells && position.quantity > 0) {
      result.problems.push({
        code: "no-price",
        document: "portfolio",
        field: "trading.unmanaged",
        symbol: position.symbol,
        conId: position.conId,
        message: `no price for ${position.symbol} (conId ${position.conId}), which is not in targets and would be sold (unmanaged: sell)`,
        hint: "check its market data subscription, or set trading.unmanaged to warn until a quote is available",
      });
    } else {
      result.holdings.push({ ...base, value: position.quantity * position.avgCost * fx });
      result.warnings.push(
        planWarning(
          "valued-at-cost",
          `${position.symbol}: no price in the snapshot; valued at its average cost ${position.avgCost} ${position.currency}`,
          position.symbol,
          position.conId,
        ),
      );
    }
  }
  return result;
}

/** Filled by a loop, not from a list of [key, value] pairs (10,000 of them at 10,000 targets). */
function byConId<T extends { conId: number }>(items: T[]): Map<number, T> {
  const map = new Map<number, T>();
  for (const item of items) map.set(item.conId, item);
  return map;
}

function describeAge(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m`;
}
