// A what-if order (whatIf set): the margin and equity the account would have once it filled, and its
// commission, without placing it. The base of folioctl's pre-trade check.
import type { CommissionSchedule } from "../../core/portfolio.js";
import type { SimWorld } from "../state/sim-state.js";
import { fundsProblem } from "./funds-check.js";
import { accountAfter, orderCost } from "./pending-trades.js";
import type { OrderPreview, SimOrder } from "./sim-order.js";
import { accountValues } from "./valuation.js";

export function previewOrder(
  order: SimOrder,
  open: readonly SimOrder[],
  world: SimWorld,
  schedule: CommissionSchedule,
): OrderPreview | undefined {
  const account = world.accounts.get(order.account);
  if (account === undefined) return undefined;
  const before = accountValues(world, account);
  const after = accountValues(world, accountAfter(account, [order], world, schedule));
  const problem = fundsProblem(order, open, world, schedule);
  const cost = orderCost(order, world, schedule);
  return {
    initMarginBefore: before.initMargin,
    maintMarginBefore: before.maintMargin,
    equityWithLoanBefore: before.base.netLiquidation,
    initMarginAfter: after.initMargin,
    maintMarginAfter: after.maintMargin,
    equityWithLoanAfter: after.base.netLiquidation,
    commission: cost?.commission ?? 0,
    commissionCurrency: cost?.commissionCurrency ?? order.commissionCurrency,
    warning: problem ?? "",
  };
}
