// An account as it would stand once some orders had filled at their estimated prices: what IB's
// pre-trade checks and what-if orders compare with the account as it stands.
import type { CommissionSchedule } from "../../core/portfolio.js";
import type { SimAccount, SimWorld } from "../state/sim-state.js";
import { applyFill, clean } from "./apply-fill.js";
import { commissionRule } from "./order-commission.js";
import type { SimOrder } from "./sim-order.js";
import { estimatedPrice, remaining } from "./sim-order.js";

/** What the unfilled part of an order would cost (positive) or bring in (negative), commission included. */
export interface OrderCost {
  price: number;
  quantity: number;
  commission: number;
  commissionCurrency: string;
  /** The commission in the contract's currency. */
  commissionInContractCurrency: number;
}

/**
 * Undefined when a market order has no quote to be valued by. The commission is what the whole order
 * will have cost less what its fills so far were charged: IB charges the minimum once per order, so a
 * partly filled order's remainder does not pay it again.
 */
export function orderCost(
  order: SimOrder,
  world: SimWorld,
  schedule: CommissionSchedule,
): OrderCost | undefined {
  const price = estimatedPrice(order, world.quotes.get(order.contract.conId));
  if (price === undefined) return undefined;
  const quantity = remaining(order);
  const base = world.accounts.get(order.account)?.baseCurrency ?? order.contract.currency;
  const rule = commissionRule(world, schedule, order.contract, base);
  const whole = rule.forOrder(order.filled + quantity, order.filledValue + quantity * price);
  const commission = Math.max(0, clean(whole - order.commission));
  return {
    price,
    quantity,
    commission,
    commissionCurrency: rule.currency,
    commissionInContractCurrency: rule.inContractCurrency(commission),
  };
}

/** A copy of `account` with `orders` filled (what has not filled yet of each) at their estimated prices. */
export function accountAfter(
  account: SimAccount,
  orders: readonly SimOrder[],
  world: SimWorld,
  schedule: CommissionSchedule,
): SimAccount {
  const copy: SimAccount = {
    ...account,
    cash: new Map(account.cash),
    positions: new Map([...account.positions].map(([conId, p]) => [conId, { ...p }])),
    realizedPnl: new Map(account.realizedPnl),
    day: new Map([...account.day].map(([conId, d]) => [conId, { ...d }])),
  };
  for (const order of orders) {
    const cost = orderCost(order, world, schedule);
    if (cost === undefined || cost.quantity === 0) continue;
    const signedQuantity = order.action === "BUY" ? cost.quantity : -cost.quantity;
    applyFill(copy, order.contract, { ...cost, signedQuantity });
  }
  return copy;
}
