import type { GeneratedCase } from "./generate-portfolios.js";

/**
 * Drift (half the sum of |weight - target| over targets and cash, as a fraction) after trading
 * `shares[i]` of target i at its quoted price, with no commission. Independent of the planner's own
 * arithmetic, so that all three methods are measured with the same ruler.
 */
export function residualDrift({ portfolio, snapshot }: GeneratedCase, shares: number[]): number {
  const held = new Map(snapshot.positions.map((p) => [p.conId, p.quantity]));
  const price = new Map(snapshot.quotes.map((q) => [q.conId, q.last ?? 0]));
  let cash = snapshot.cash["USD"] ?? 0;
  const values = portfolio.targets.map((target, i) => {
    const p = price.get(target.conId as number) ?? 0;
    const delta = shares[i] ?? 0;
    cash -= delta * p;
    return ((held.get(target.conId as number) ?? 0) + delta) * p;
  });
  const total = values.reduce((sum, v) => sum + v, 0) + cash;
  let sum = Math.abs(cash / total - portfolio.cash.weight / 100);
  portfolio.targets.forEach(
    (target, i) => (sum += Math.abs((values[i] as number) / total - target.weight / 100)),
  );
  return sum / 2;
}

/** Current state as the naive rule and the MILP see it: values, prices and cash per target. */
export function caseNumbers({ portfolio, snapshot }: GeneratedCase): {
  prices: number[];
  held: number[];
  targets: number[];
  cash: number;
  cashTarget: number;
  total: number;
} {
  const held = new Map(snapshot.positions.map((p) => [p.conId, p.quantity]));
  const price = new Map(snapshot.quotes.map((q) => [q.conId, q.last ?? 0]));
  const prices = portfolio.targets.map((t) => price.get(t.conId as number) ?? 0);
  const quantities = portfolio.targets.map((t) => held.get(t.conId as number) ?? 0);
  const cash = snapshot.cash["USD"] ?? 0;
  const total = quantities.reduce((sum, q, i) => sum + q * (prices[i] as number), 0) + cash;
  return {
    prices,
    held: quantities,
    targets: portfolio.targets.map((t) => (t.weight / 100) * total),
    cash,
    cashTarget: (portfolio.cash.weight / 100) * total,
    total,
  };
}
