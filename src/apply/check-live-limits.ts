import { checkGuardrails } from "../core/check-guardrails.js";
import { estimateCommission } from "../core/estimate-commission.js";
import type { Plan, PlanOrder } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import { valuationPrice } from "../core/valuation-price.js";
import type { Refusal } from "./refusal.js";

/**
 * The guardrails again, on live numbers: every order re-priced at the fresh quotes, turnover against
 * the fresh net liquidation value, cash after the orders, and no sell of more than is held. The limits
 * come from portfolio.yaml on main, never from the plan. A resumed run (some legs already at IB) skips
 * the cash and holdings checks: its own fills already moved both, and the executor sizes what is left.
 */
export function checkLiveLimits(
  portfolio: Portfolio,
  plan: Plan,
  fresh: Snapshot,
  resuming: boolean,
): Refusal | undefined {
  const quotes = new Map(fresh.quotes.map((q) => [q.conId, q]));
  const repriced: PlanOrder[] = plan.orders.map((order) => {
    const price = valuationPrice(quotes.get(order.conId))?.price ?? order.estimatedPrice;
    const value = order.quantity * price;
    return {
      ...order,
      estimatedPrice: price,
      estimatedValue: value,
      estimatedValueBase: value * (fresh.exchangeRates[order.currency] ?? 0),
      estimatedCommission: estimateCommission(portfolio.trading.commission, order.quantity, price),
    };
  });
  const cashAfter: Record<string, number> = resuming ? {} : { ...fresh.cash };
  if (!resuming) {
    for (const o of repriced) {
      const signed = o.side === "BUY" ? -o.estimatedValue : o.estimatedValue;
      cashAfter[o.currency] = (cashAfter[o.currency] ?? 0) + signed - o.estimatedCommission;
    }
  }
  const problems = checkGuardrails(
    portfolio,
    repriced,
    fresh.netLiquidation,
    cashAfter,
    fresh.exchangeRates,
  ).map((p) => p.message);
  if (!resuming) {
    const held = new Map(fresh.positions.map((p) => [p.conId, p.quantity]));
    for (const o of repriced) {
      if (o.side === "SELL" && o.quantity > (held.get(o.conId) ?? 0)) {
        problems.push(
          `${o.leg} sells ${o.quantity} ${o.symbol} but the account holds ${held.get(o.conId) ?? 0}: that would be a short sale`,
        );
      }
    }
  }
  if (problems.length === 0) return undefined;
  return {
    reason: "limit",
    message: `the plan would cross a limit at today's prices: ${problems.join("; ")}`,
    hint: "Nothing was sent. Change `limits:` in portfolio.yaml on main if the limit is wrong, or let `folioctl propose` make a smaller plan.",
  };
}
