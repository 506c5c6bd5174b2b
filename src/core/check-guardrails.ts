import { isConversion, type PlanOrder, type PlanProblem } from "./plan.js";
import type { Portfolio } from "./portfolio.js";
import { formatMoney } from "./format-number.js";

/**
 * Limits a plan may not cross. A plan that would cross one is refused, never truncated: the problem
 * says which limit, by how much, and what to change.
 */
export function checkGuardrails(
  portfolio: Portfolio,
  orders: PlanOrder[],
  netLiquidation: number,
  cashAfter: Record<string, number>,
  exchangeRates: Record<string, number>,
): PlanProblem[] {
  const base = portfolio.baseCurrency;
  const problems: PlanProblem[] = [];
  const { maxOrderValue, maxTurnover } = portfolio.limits;
  for (const order of orders) {
    if (order.estimatedValueBase > maxOrderValue) {
      const excess = order.estimatedValueBase - maxOrderValue;
      problems.push({
        code: "max-order-value",
        document: "portfolio",
        field: "limits.maxOrderValue",
        symbol: order.symbol,
        conId: order.conId,
        message: `${order.leg} ${order.side} ${order.quantity} ${order.symbol} is worth about ${formatMoney(order.estimatedValueBase)} ${base}, over limits.maxOrderValue (${formatMoney(maxOrderValue)} ${base}) by ${formatMoney(excess)} ${base}`,
        hint: "raise limits.maxOrderValue in portfolio.yaml, or rebalance in smaller steps (rebalanceTo: band-edge trades less)",
      });
    }
  }
  // Conversions change which currency cash is in, not what the account holds.
  const turnover = orders
    .filter((order) => !isConversion(order))
    .reduce((sum, order) => sum + order.estimatedValueBase, 0);
  const percent = netLiquidation > 0 ? (turnover / netLiquidation) * 100 : Infinity;
  if (percent > maxTurnover) {
    const excessValue = turnover - (maxTurnover / 100) * netLiquidation;
    problems.push({
      code: "max-turnover",
      document: "portfolio",
      field: "limits.maxTurnover",
      message: `the plan trades ${formatMoney(turnover)} ${base}, ${percent.toFixed(2)}% of net liquidation value, over limits.maxTurnover (${maxTurnover}%) by ${(percent - maxTurnover).toFixed(2)} percentage points (${formatMoney(excessValue)} ${base})`,
      hint: "raise limits.maxTurnover in portfolio.yaml, or rebalance in smaller steps (rebalanceTo: band-edge trades less)",
    });
  }
  for (const currency of spentCurrencies(orders)) {
    const after = cashAfter[currency] ?? 0;
    if (after >= -0.005) continue;
    const short = -after;
    const rate = exchangeRates[currency] ?? 1;
    const legs = orders
      .filter((o) => spentCurrencyOf(o) === currency)
      .map((o) => `${o.leg} ${isConversion(o) ? `${o.symbol}.${o.currency}` : o.symbol}`)
      .join(", ");
    const inBase = currency === base ? "" : ` (about ${formatMoney(short * rate)} ${base})`;
    problems.push({
      code: "currency-short",
      document: "snapshot",
      field: `cash.${currency}`,
      message: `${currency} cash would be ${formatMoney(after)} ${currency} after the orders that spend it (${legs}): ${formatMoney(short)} ${currency}${inBase} short`,
      hint:
        portfolio.fx.mode === "convert"
          ? `no currency the account holds can pay for it: add ${formatMoney(short)} ${currency} (or its worth in ${base}) to the account, or lower the targets in ${currency}, then plan again`
          : `set fx.mode: convert in portfolio.yaml to plan the conversion, or buy at least ${formatMoney(short)} ${currency} with another currency by hand, then plan again`,
    });
  }
  return problems;
}

/** The currency an order pays with: a buy's own, or what a conversion gives up. */
function spentCurrencyOf(order: PlanOrder): string | undefined {
  if (isConversion(order)) return order.side === "BUY" ? order.currency : order.symbol;
  return order.side === "BUY" ? order.currency : undefined;
}

function spentCurrencies(orders: PlanOrder[]): string[] {
  const currencies = new Set<string>();
  for (const order of orders) {
    const currency = spentCurrencyOf(order);
    if (currency !== undefined) currencies.add(currency);
  }
  return [...currencies].sort();
}
