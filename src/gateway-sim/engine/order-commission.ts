// Which pricing an order pays and in which currency: IB's fixed US stock pricing in the contract's
// currency, or IB's spot currency pricing (fx-pricing.ts) in the account's base currency.
import type { CommissionSchedule } from "../../core/portfolio.js";
import type { SimContract, SimWorld } from "../state/sim-state.js";
import { orderCommission } from "./commission.js";
import { fxOrderCommission } from "./fx-pricing.js";
import { exchangeRate } from "./valuation.js";

export interface CommissionRule {
  currency: string;
  /** What the whole order costs once it has traded `quantity` worth `value` (in the contract's currency). */
  forOrder(quantity: number, value: number): number;
  /** `amount` (in `currency`) in the contract's currency, for average costs and P&L. */
  inContractCurrency(amount: number): number;
}

export function commissionRule(
  world: SimWorld,
  schedule: CommissionSchedule,
  contract: SimContract,
  baseCurrency: string,
): CommissionRule {
  if (contract.secType !== "CASH") {
    return {
      currency: contract.currency,
      forOrder: (quantity, value) => orderCommission(schedule, quantity, value),
      inContractCurrency: (amount) => amount,
    };
  }
  return {
    currency: baseCurrency,
    forOrder: (quantity, value) => fxOrderCommission(world, contract, baseCurrency, quantity, value),
    inContractCurrency: (amount) => amount * exchangeRate(world, baseCurrency, contract.currency),
  };
}

/** What one execution adds to its order's commission: the whole order's so far less what it was charged. */
export function executionCommission(
  rule: CommissionRule,
  before: { quantity: number; value: number },
  after: { quantity: number; value: number },
): number {
  return Number.parseFloat(
    (rule.forOrder(after.quantity, after.value) - rule.forOrder(before.quantity, before.value)).toFixed(6),
  );
}
