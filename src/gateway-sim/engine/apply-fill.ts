// What one execution does to an account: position, average cost, cash, realised P&L and the day's
// trading that daily P&L is measured from. A currency pair's execution moves two cash balances (buying
// EUR.USD adds euros and spends dollars) and keeps IB's virtual FX position, whose money is that cash.
import type { SimAccount, SimContract } from "../state/sim-state.js";

export interface Fill {
  /** Bought (positive) or sold (negative): shares, or units of a pair's symbol currency. */
  signedQuantity: number;
  price: number;
  commission: number;
  commissionCurrency: string;
  /** The commission in the contract's currency, for the average cost and P&L. */
  commissionInContractCurrency: number;
}

/** Books one fill. Returns the realised P&L (commission included) when it closed shares, else undefined. */
export function applyFill(account: SimAccount, contract: SimContract, fill: Fill): number | undefined {
  const { signedQuantity, price } = fill;
  const commission = fill.commissionInContractCurrency;
  const currency = contract.currency;
  const pair = contract.secType === "CASH";
  const quantity = Math.abs(signedQuantity);
  const position = account.positions.get(contract.conId) ?? { quantity: 0, avgCost: 0 };
  const day = account.day.get(contract.conId) ?? {
    openingQuantity: position.quantity,
    netCost: 0,
    realizedPnl: undefined,
  };
  day.netCost = clean(day.netCost + signedQuantity * price + commission);
  let realizedPnl: number | undefined;
  if (position.quantity === 0 || Math.sign(position.quantity) === Math.sign(signedQuantity)) {
    // Opening or adding: the average cost absorbs the commission, as IB's does.
    const cost = quantity * price + (signedQuantity > 0 ? commission : -commission);
    const held = Math.abs(position.quantity);
    position.avgCost = (held * position.avgCost + cost) / (held + quantity);
    position.quantity = clean(position.quantity + signedQuantity);
  } else {
    const closed = Math.min(Math.abs(position.quantity), quantity);
    realizedPnl = clean((price - position.avgCost) * closed * Math.sign(position.quantity) - commission);
    position.quantity = clean(position.quantity + signedQuantity);
    // Crossing through zero opens the other side at this price; a closed position reports cost 0.
    if (quantity > closed) position.avgCost = price;
    else if (position.quantity === 0) position.avgCost = 0;
    // A virtual FX position's P&L is already in the cash balances' values: the ledger does not add it.
    if (!pair) {
      account.realizedPnl.set(currency, clean((account.realizedPnl.get(currency) ?? 0) + realizedPnl));
    }
    day.realizedPnl = clean((day.realizedPnl ?? 0) + realizedPnl);
  }
  account.positions.set(contract.conId, position);
  account.day.set(contract.conId, day);
  if (pair) addCash(account, contract.symbol, signedQuantity);
  if (fill.commissionCurrency === currency) {
    addCash(account, currency, -signedQuantity * price - fill.commission);
  } else {
    addCash(account, currency, -signedQuantity * price);
    addCash(account, fill.commissionCurrency, -fill.commission);
  }
  return realizedPnl;
}

function addCash(account: SimAccount, currency: string, amount: number): void {
  account.cash.set(currency, clean((account.cash.get(currency) ?? 0) + amount));
}

/** Keeps sums of fills free of binary noise (0.1 + 0.2) without losing cents. */
export function clean(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}
