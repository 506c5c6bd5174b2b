// Account values as IB reports them: per-currency ledger rows, base-currency totals and margin
// requirements (a cash account's positions are paid in full: its requirement is their whole value).
import type { SimAccount, SimAccountType, SimContract, SimQuote, SimWorld } from "../state/sim-state.js";

export interface CurrencyLedger {
  currency: string;
  cash: number;
  stockMarketValue: number;
  netLiquidation: number;
  /** Value of one unit of this currency in the account's base currency. */
  exchangeRate: number;
  realizedPnl: number;
  unrealizedPnl: number;
}

export interface AccountValues {
  account: string;
  accountType: SimAccountType;
  baseCurrency: string;
  ledgers: CurrencyLedger[];
  /** Totals in the base currency. */
  base: Omit<CurrencyLedger, "currency" | "exchangeRate">;
  grossPositionValue: number;
  /** In the base currency. Equity with loan value is the net liquidation value (stocks only). */
  initMargin: number;
  maintMargin: number;
}

/**
 * The price a position is valued at: last, else close, else the mid, else its average cost. A currency
 * pair has no trades: the mid comes first.
 */
export function markPrice(quote: SimQuote | undefined, avgCost: number, pair = false): number {
  if (pair && quote?.bid !== undefined && quote.ask !== undefined) return (quote.bid + quote.ask) / 2;
  if (quote?.last !== undefined) return quote.last;
  if (quote?.close !== undefined) return quote.close;
  if (quote?.bid !== undefined && quote.ask !== undefined) return (quote.bid + quote.ask) / 2;
  return quote?.bid ?? quote?.ask ?? avgCost;
}

export function exchangeRate(world: SimWorld, currency: string, baseCurrency: string): number {
  const rate = world.exchangeRates.get(currency);
  const base = world.exchangeRates.get(baseCurrency);
  if (rate === undefined || base === undefined) return currency === baseCurrency ? 1 : 0;
  return rate / base;
}

export function accountValues(world: SimWorld, account: SimAccount): AccountValues {
  const byCurrency = new Map<string, CurrencyLedger>();
  const ledger = (currency: string): CurrencyLedger => {
    let row = byCurrency.get(currency);
    if (row === undefined) {
      row = {
        currency,
        cash: 0,
        stockMarketValue: 0,
        netLiquidation: 0,
        exchangeRate: exchangeRate(world, currency, account.baseCurrency),
        realizedPnl: 0,
        unrealizedPnl: 0,
      };
      byCurrency.set(currency, row);
    }
    return row;
  };
  ledger(account.baseCurrency);
  for (const [currency, amount] of account.cash) ledger(currency).cash += amount;
  for (const [currency, pnl] of account.realizedPnl) ledger(currency).realizedPnl += pnl;
  let gross = 0;
  let initMargin = 0;
  let maintMargin = 0;
  const margin = account.accountType === "margin";
  for (const [conId, position] of account.positions) {
    const contract: SimContract | undefined = world.contracts.get(conId);
    // A virtual FX position's money is in the cash balances already.
    if (contract === undefined || position.quantity === 0 || contract.secType === "CASH") continue;
    const price = markPrice(world.quotes.get(conId), position.avgCost);
    const row = ledger(contract.currency);
    const value = position.quantity * price;
    row.stockMarketValue += value;
    row.unrealizedPnl += (price - position.avgCost) * position.quantity;
    const baseValue = Math.abs(value) * row.exchangeRate;
    gross += baseValue;
    initMargin += baseValue * (margin ? contract.initMarginRate : 1);
    maintMargin += baseValue * (margin ? contract.maintMarginRate : 1);
  }
  const ledgers = [...byCurrency.values()];
  const base = { cash: 0, stockMarketValue: 0, netLiquidation: 0, realizedPnl: 0, unrealizedPnl: 0 };
  for (const row of ledgers) {
    row.netLiquidation = row.cash + row.stockMarketValue;
    base.cash += row.cash * row.exchangeRate;
    base.stockMarketValue += row.stockMarketValue * row.exchangeRate;
    base.netLiquidation += row.netLiquidation * row.exchangeRate;
    base.realizedPnl += row.realizedPnl * row.exchangeRate;
    base.unrealizedPnl += row.unrealizedPnl * row.exchangeRate;
  }
  return {
    account: account.id,
    accountType: account.accountType,
    baseCurrency: account.baseCurrency,
    ledgers,
    base,
    grossPositionValue: gross,
    initMargin,
    maintMargin,
  };
}

/** Equity with loan value less the initial margin: what new positions can draw on. */
export function availableFunds(v: AccountValues): number {
  return v.base.netLiquidation - v.initMargin;
}

/** Equity with loan value less the maintenance margin: below zero IB liquidates. */
export function excessLiquidity(v: AccountValues): number {
  return v.base.netLiquidation - v.maintMargin;
}

/** IB's buying power: available funds in a cash account, four times them under Reg T margin. */
export function buyingPower(v: AccountValues): number {
  return Math.max(0, availableFunds(v) * (v.accountType === "margin" ? 4 : 1));
}
