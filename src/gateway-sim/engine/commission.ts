// IB's fixed pricing for US stocks: 0.005 per share, at least 1.00 and at most 1% of the trade value per
// order. The simulator charges it per order and splits it across executions, as IB does
// (order-commission.ts picks this or the currency pricing).
import type { CommissionSchedule } from "../../core/portfolio.js";

export const FIXED_US_PRICING: CommissionSchedule = { perShare: 0.005, minimum: 1, maximumPercent: 1 };

/** Commission for an order that has executed `quantity` shares worth `value` so far. */
export function orderCommission(schedule: CommissionSchedule, quantity: number, value: number): number {
  if (quantity <= 0) return 0;
  const perShare = Math.max(schedule.perShare * Math.abs(quantity), schedule.minimum);
  const cap = (schedule.maximumPercent / 100) * Math.abs(value);
  return round(Math.min(perShare, cap));
}

function round(value: number): number {
  return Number.parseFloat(value.toFixed(6));
}
