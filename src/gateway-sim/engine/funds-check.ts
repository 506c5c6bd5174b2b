// IB's pre-trade checks on the money side, in IB's words: a cash account pays only with the cash it
// has in the currency it pays with (less what its open orders will take from it) and never sells short;
// a currency pair order pays with the currency it sells. A margin account may not take its equity with
// loan value below the initial margin.
import type { CommissionSchedule } from "../../core/portfolio.js";
import type { SimAccount, SimWorld } from "../state/sim-state.js";
import { accountAfter, orderCost } from "./pending-trades.js";
import type { SimOrder } from "./sim-order.js";
import { remaining } from "./sim-order.js";
import { accountValues } from "./valuation.js";

/** Quantities and prices arrive as decimal text: ignore what binary noise leaves over. */
const EPSILON = 1e-6;

/**
 * Why IB would refuse `order` given the account's other working orders (`open`), or undefined.
 * The text follows "Order rejected - reason:" in error 201.
 */
export function fundsProblem(
  order: SimOrder,
  open: readonly SimOrder[],
  world: SimWorld,
  schedule: CommissionSchedule,
): string | undefined {
  const account = world.accounts.get(order.account);
  if (account === undefined) return undefined;
  // IB values every order before accepting it; a market order with no price at all cannot be valued.
  if (orderCost(order, world, schedule) === undefined) return unpricedProblem(order);
  const working = open.filter((o) => o !== order && !o.done && o.transmit && o.account === order.account);
  const check: Check = { order, working, account, world, schedule };
  if (account.accountType === "margin") return marginProblem(check);
  if (order.action === "SELL" && order.contract.secType !== "CASH") return shortSaleProblem(check);
  return cashProblem(check);
}

interface Check {
  order: SimOrder;
  /** The account's other transmitted, unfinished orders. */
  working: SimOrder[];
  account: SimAccount;
  world: SimWorld;
  schedule: CommissionSchedule;
}

function shortSaleProblem({ order, working, account }: Check): string | undefined {
  const conId = order.contract.conId;
  const held = account.positions.get(conId)?.quantity ?? 0;
  const selling = working
    .filter((o) => o.action === "SELL" && o.contract.conId === conId)
    .reduce((sum, o) => sum + remaining(o), remaining(order));
  if (held - selling >= -EPSILON) return undefined;
  return "Short stock positions can only be held in a margin account";
}

/**
 * Settled cash in the currency the order pays with: IB does not convert another currency's cash for a
 * cash account. The account's other open orders that pay with it count too.
 */
function cashProblem({ order, working, account, world, schedule }: Check): string | undefined {
  const currency = paidWith(order);
  let needed = 0;
  for (const o of [...working, order]) needed += cashNeeded(o, currency, world, schedule);
  const available = account.cash.get(currency) ?? 0;
  if (needed <= available + EPSILON) return undefined;
  return (
    `Available settled cash: ${money(available)} ${currency} ` +
    `Cash needed for this order and other pending orders: <br>${money(needed)} ${currency}`
  );
}

/** A buy pays with the contract's currency; a pair sale pays with the pair's symbol currency (EUR of EUR.USD). */
function paidWith(order: SimOrder): string {
  return order.action === "SELL" && order.contract.secType === "CASH"
    ? order.contract.symbol
    : order.contract.currency;
}

/** What filling the rest of `order` takes from the cash in `currency`, its commission included. */
function cashNeeded(
  order: SimOrder,
  currency: string,
  world: SimWorld,
  schedule: CommissionSchedule,
): number {
  // A stock sale brings cash in: it never needs any.
  if (order.action === "SELL" && order.contract.secType !== "CASH") return 0;
  const cost = orderCost(order, world, schedule);
  if (cost === undefined) return 0;
  const pays =
    paidWith(order) !== currency
      ? 0
      : order.contract.secType === "CASH" && order.action === "SELL"
        ? cost.quantity
        : cost.quantity * cost.price;
  return pays + (cost.commissionCurrency === currency ? cost.commission : 0);
}

/** Orders that lower the initial margin (closing trades) are always accepted, as at IB. */
function marginProblem({ order, working, account, world, schedule }: Check): string | undefined {
  const without = accountValues(world, accountAfter(account, working, world, schedule));
  const after = accountValues(world, accountAfter(account, [...working, order], world, schedule));
  const equity = after.base.netLiquidation;
  if (after.initMargin <= without.initMargin + EPSILON || equity >= after.initMargin - EPSILON)
    return undefined;
  const base = account.baseCurrency;
  return (
    "YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE " +
    `[${money(equity)} ${base}] MUST EXCEED THE INITIAL MARGIN [${money(after.initMargin)} ${base}]`
  );
}

/** The simulator's words: IB always has a price for a listed stock, so it has none for this case. */
function unpricedProblem(order: SimOrder): string {
  return `No market price is available for ${order.contract.symbol} to check this ${order.orderType} order against the account's funds`;
}

function money(value: number): string {
  return value.toFixed(2);
}
