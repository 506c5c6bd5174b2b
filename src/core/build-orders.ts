import { estimateCommission } from "./estimate-commission.js";
import { limitPrice } from "./limit-price.js";
import type { PlanOrder } from "./plan.js";
import type { Portfolio } from "./portfolio.js";
import { roundMoney, roundQuantity } from "./round-to.js";
import type { ValuedHolding } from "./value-holdings.js";

export interface OrderLine {
  holding: ValuedHolding;
  /** Positive buys, negative sells. */
  shares: number;
  reason: string;
}

/**
 * The plan's orders: sells first (their proceeds pay for the buys), each side by symbol then conId, with
 * legs S1, S2... and B1, B2... that stay the same for the same plan.
 */
export function buildOrders(portfolio: Portfolio, lines: OrderLine[]): PlanOrder[] {
  const { orderType, limitOffsetBps, commission } = portfolio.trading;
  const bySymbol = (a: OrderLine, b: OrderLine): number =>
    (a.holding.symbol < b.holding.symbol ? -1 : a.holding.symbol > b.holding.symbol ? 1 : 0) ||
    a.holding.conId - b.holding.conId;
  const sells = lines.filter((l) => l.shares < 0).sort(bySymbol);
  const buys = lines.filter((l) => l.shares > 0).sort(bySymbol);
  const order = (line: OrderLine, leg: string): PlanOrder => {
    const { holding } = line;
    const side = line.shares > 0 ? "BUY" : "SELL";
    const quantity = roundQuantity(Math.abs(line.shares));
    const price = holding.price as number;
    const limit =
      orderType === "LMT"
        ? limitPrice(side, price, limitOffsetBps, holding.contract?.minTick ?? 0.01)
        : undefined;
    // Keys in sorted order: the plan is hashed in canonical form, and sorted objects need no copy.
    // The optional keys are set in their place rather than spread from an object made for each order.
    const built: Partial<PlanOrder> = {
      conId: holding.conId,
      currency: holding.currency,
      estimatedCommission: roundMoney(estimateCommission(commission, quantity, price)),
      estimatedPrice: price,
      estimatedValue: roundMoney(quantity * price),
      estimatedValueBase: roundMoney(quantity * price * holding.fx),
      exchange: holding.exchange,
      leg,
    };
    if (limit !== undefined) built.limitPrice = limit;
    built.orderType = orderType;
    if (holding.primaryExchange !== undefined) built.primaryExchange = holding.primaryExchange;
    built.quantity = quantity;
    built.reason = line.reason;
    built.secType = holding.secType;
    built.side = side;
    built.symbol = holding.symbol;
    built.timeInForce = "DAY";
    return built as PlanOrder;
  };
  return [
    ...sells.map((line, i) => order(line, `S${i + 1}`)),
    ...buys.map((line, i) => order(line, `B${i + 1}`)),
  ];
}
