import { formatMoney, formatPercent } from "./format-number.js";
import { isConversion, type Plan, type PlanOrder } from "./plan.js";

/** Said once, under the summary line where drift first shows. */
export const DRIFT_DEFINITION =
  "drift: half the sum of |weight - target| over the targets and cash, in % of the managed value: how much of the account is not where the targets say";

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The plan's orders counted by kind: `["1 sell", "1 conversion", "3 buys"]` (conversions only when any). */
export function orderKinds(plan: Plan): string[] {
  const conversions = plan.orders.filter(isConversion).length;
  const sells = plan.orders.filter((o) => o.side === "SELL" && !isConversion(o)).length;
  const buys = plan.orders.length - sells - conversions;
  return [
    count(sells, "sell"),
    ...(conversions > 0 ? [count(conversions, "conversion")] : []),
    count(buys, "buy"),
  ];
}

/** One line that says what a plan does: orders, turnover, drift before and after, commissions. */
export function planSummary(plan: Plan): string {
  const drift = `drift ${formatPercent(plan.drift.before)} → ${formatPercent(plan.drift.after)}`;
  if (plan.orders.length === 0) {
    const outOfBand = plan.weights.some((w) => !w.inBandBefore);
    return outOfBand
      ? `Nothing to do: no whole-share trade within the limits lowers drift (${drift.replace(/ → .*/, "")})`
      : `Nothing to do: every holding is within its band (${drift.replace(/ → .*/, "")})`;
  }
  const base = plan.baseCurrency;
  return [
    `${count(plan.orders.length, "order")} (${orderKinds(plan).join(", ")})`,
    `turnover ${formatMoney(plan.turnover.value)} ${base} (${formatPercent(plan.turnover.percent)})`,
    drift,
    `est. commissions ${formatMoney(plan.estimatedCommissions)} ${base}`,
  ].join(" · ");
}

/** How an order names what it trades: the ticker, or a conversion's pair as IB writes it (EUR.USD). */
export function orderInstrument(order: Pick<PlanOrder, "symbol" | "currency" | "secType">): string {
  return isConversion(order) ? `${order.symbol}.${order.currency}` : order.symbol;
}
