import type { CommissionSchedule } from "./portfolio.js";

/**
 * Commission of one order in its own currency: perShare per share, at least `minimum`, at most
 * maximumPercent of the trade value (IB fixed pricing: 0.005 per share, 1 minimum, 1% cap).
 */
export function estimateCommission(schedule: CommissionSchedule, quantity: number, price: number): number {
  if (!(quantity > 0)) return 0;
  const perShare = Math.max(schedule.minimum, schedule.perShare * quantity);
  const cap = (schedule.maximumPercent / 100) * quantity * price;
  return Math.min(perShare, cap);
}
