import type { GeneratedCase } from "./generate-portfolios.js";
import { caseNumbers } from "./residual-drift.js";

/**
 * The rule of the original Python article: for each asset whose weight differs from its target by more
 * than 1%, trade int(|target - current| * value / price) shares toward the target. No cash check, no
 * rounding choice: the baseline folioctl is measured against.
 */
export function naiveRule(generated: GeneratedCase): number[] {
  const { prices, held, targets, total } = caseNumbers(generated);
  return prices.map((price, i) => {
    const current = ((held[i] as number) * price) / total;
    const target = (targets[i] as number) / total;
    const difference = target - current;
    if (Math.abs(difference) <= 0.01) return 0;
    const quantity = Math.trunc((Math.abs(difference) * total) / price);
    return difference > 0 ? quantity : -quantity;
  });
}
