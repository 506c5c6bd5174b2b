import { checkGuardrails } from "../core/check-guardrails.js";
import { estimateCommission } from "../core/estimate-commission.js";
import { conversionCashChange } from "../core/conversion-cash.js";
import { estimateFxCommission } from "../core/estimate-fx-commission.js";
import { isConversion, type Plan, type PlanOrder } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import { resolveTargets } from "../core/resolve-targets.js";
import type { Snapshot } from "../core/snapshot.js";
import { valuationPrices } from "../core/valuation-price.js";
import type { Refusal } from "./refusal.js";
import { liveLimitsHint, type ApplyContext } from "./refusal-hints.js";

/**
 * The guardrails again, on live numbers and nothing the plan claims: every order valued at the live
 * price, in the base currency at live rates, turnover against the live net liquidation value, cash
 * after the orders, no sell of more than is held, and no order for a contract portfolio.yaml does not
 * trade (neither a target nor, under `trading.unmanaged: sell`, a held position being sold). The limits
 * come from portfolio.yaml on main. A resumed run (some legs already at IB) skips the cash and holdings
 * checks: its own fills already moved both, and the executor sizes what is left.
 */
export function checkLiveLimits(
  portfolio: Portfolio,
  plan: Plan,
  fresh: Snapshot,
  resuming: boolean,
  context: ApplyContext,
): Refusal | undefined {
  const prices = valuationPrices(fresh);
  const problems: string[] = [...untradeable(portfolio, plan, fresh, resuming)];
  const repriced: PlanOrder[] = [];
  for (const order of plan.orders) {
    const price = prices.get(order.conId);
    const rate = fresh.exchangeRates[order.currency];
    if (price === undefined) {
      problems.push(`${order.leg} ${order.symbol} has no live price: its value cannot be checked`);
      continue;
    }
    if (rate === undefined) {
      problems.push(`${order.leg} ${order.symbol} is in ${order.currency}, which has no live exchange rate`);
      continue;
    }
    const value = order.quantity * price;
    // A conversion's commission is IB's FX one, charged in the base currency; shown in the order's.
    const commission = isConversion(order)
      ? estimateFxCommission(value * rate, fresh.exchangeRates["USD"]) / rate
      : estimateCommission(portfolio.trading.commission, order.quantity, price);
    repriced.push({
      ...order,
      estimatedPrice: price,
      estimatedValue: value,
      estimatedValueBase: value * rate,
      estimatedCommission: commission,
    });
  }
  const cashAfter: Record<string, number> = resuming ? {} : { ...fresh.cash };
  if (!resuming) {
    const add = (currency: string, amount: number): void => {
      cashAfter[currency] = (cashAfter[currency] ?? 0) + amount;
    };
    for (const o of repriced) {
      if (isConversion(o)) {
        for (const [currency, amount] of conversionCashChange(o, o.estimatedPrice)) add(currency, amount);
        // IB charges it in the base currency, as the planner counts it; the order shows it in its own.
        add(portfolio.baseCurrency, -o.estimatedCommission * (fresh.exchangeRates[o.currency] ?? 1));
        continue;
      }
      add(o.currency, (o.side === "BUY" ? -o.estimatedValue : o.estimatedValue) - o.estimatedCommission);
    }
  }
  problems.push(
    ...checkGuardrails(portfolio, repriced, fresh.netLiquidation, cashAfter, fresh.exchangeRates).map(
      (p) => p.message,
    ),
  );
  if (!resuming) {
    const held = new Map(fresh.positions.map((p) => [p.conId, p.quantity]));
    for (const o of repriced) {
      // Selling a pair gives up cash, which the cash check above covers; it holds no position.
      if (o.side === "SELL" && !isConversion(o) && o.quantity > (held.get(o.conId) ?? 0)) {
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
    hint: liveLimitsHint(context),
  };
}

/** Orders for contracts portfolio.yaml gives folioctl no business trading. */
function untradeable(portfolio: Portfolio, plan: Plan, fresh: Snapshot, resuming: boolean): string[] {
  const targets = new Set(resolveTargets(portfolio, fresh).resolved.map((r) => r.contract.conId));
  for (const target of portfolio.targets) if (target.conId !== undefined) targets.add(target.conId);
  const sellsUnmanaged = portfolio.trading.unmanaged === "sell" && portfolio.trading.mode !== "buy-only";
  // A resumed run may already have sold the whole position: what the plan saw (re-derived, and checked
  // against the account then) counts too.
  const positions = resuming ? [...fresh.positions, ...plan.snapshot.positions] : fresh.positions;
  const held = new Set(positions.filter((p) => p.quantity > 0).map((p) => p.conId));
  const base = portfolio.baseCurrency;
  const converts = portfolio.fx.mode === "convert";
  const conversionProblems = plan.orders
    .filter(isConversion)
    .filter((o) => !converts || (o.symbol !== base && o.currency !== base))
    .map((o) =>
      converts
        ? `${o.leg} converts on ${o.symbol}.${o.currency}, a pair without the base currency ${base}`
        : `${o.leg} converts on ${o.symbol}.${o.currency}, but fx.mode in portfolio.yaml is forbid`,
    );
  return plan.orders
    .filter((o) => !isConversion(o))
    .filter((o) => !targets.has(o.conId) && !(sellsUnmanaged && o.side === "SELL" && held.has(o.conId)))
    .map(
      (o) =>
        `${o.leg} ${o.side === "BUY" ? "buys" : "sells"} ${o.quantity} ${o.symbol} (conId ${o.conId}), which is neither a target in portfolio.yaml nor a position sold under \`trading.unmanaged: sell\``,
    )
    .concat(conversionProblems);
}
