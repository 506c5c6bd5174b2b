// Profit and loss as IB reports it in reqPnL, reqPnLSingle and the portfolio rows of reqAccountUpdates.
// Daily P&L is what a position is worth now less what it was worth at the previous close and less what
// today's trades in it cost; unrealised P&L is against the average cost; realised P&L is today's.
import type { SimAccount, SimWorld } from "../state/sim-state.js";
import { accountValues, exchangeRate, markPrice } from "./valuation.js";

/** One position, in its contract's currency. */
export interface PositionPnl {
  conId: number;
  position: number;
  marketPrice: number;
  marketValue: number;
  avgCost: number;
  dailyPnl: number;
  unrealizedPnl: number;
  /** Undefined when no trade closed shares today: IB then sends its "unset" value. */
  realizedPnl: number | undefined;
}

/** Undefined when the account has never held the contract (IB sends no P&L for it). */
export function positionPnl(world: SimWorld, account: SimAccount, conId: number): PositionPnl | undefined {
  const held = account.positions.get(conId);
  if (held === undefined) return undefined;
  const quote = world.quotes.get(conId);
  const price = markPrice(quote, held.avgCost, world.contracts.get(conId)?.secType === "CASH");
  const day = account.day.get(conId);
  const opening = day?.openingQuantity ?? held.quantity;
  // Without a close the day is measured from the price now, so an untraded position shows none.
  const previousClose = quote?.close ?? price;
  return {
    conId,
    position: held.quantity,
    marketPrice: price,
    marketValue: held.quantity * price,
    avgCost: held.avgCost,
    dailyPnl: held.quantity * price - opening * previousClose - (day?.netCost ?? 0),
    unrealizedPnl: held.quantity === 0 ? 0 : (price - held.avgCost) * held.quantity,
    realizedPnl: day?.realizedPnl,
  };
}

/** The account's totals in its base currency; unrealised and realised match the account summary's. */
export function accountPnl(
  world: SimWorld,
  account: SimAccount,
): { dailyPnl: number; unrealizedPnl: number; realizedPnl: number } {
  let dailyPnl = 0;
  for (const conId of account.positions.keys()) {
    const contract = world.contracts.get(conId);
    const pnl = positionPnl(world, account, conId);
    // Virtual FX positions are valued in the cash balances, at the account's exchange rates.
    if (contract === undefined || pnl === undefined || contract.secType === "CASH") continue;
    dailyPnl += pnl.dailyPnl * exchangeRate(world, contract.currency, account.baseCurrency);
  }
  const values = accountValues(world, account);
  return { dailyPnl, unrealizedPnl: values.base.unrealizedPnl, realizedPnl: values.base.realizedPnl };
}
