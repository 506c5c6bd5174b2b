// IB's spot currency trading on IDEALPRO: a pair's trade costs 0.2 basis points of its value, at least
// USD 2.00 per order, "calculated off the trade value and then converted and charged to the base currency
// of the account" (IBKR Pro fixed pricing, up to USD 1 billion a month). Orders worth less than USD 25,000
// are odd lots, which IB routes to its odd-lot venue instead of refusing them: they fill like the others.
import type { SimContract, SimWorld } from "../state/sim-state.js";
import { exchangeRate } from "./valuation.js";

/** The only currency venue the simulator models, and the default exchange of a CASH contract. */
export const IDEALPRO = "IDEALPRO";

export const FX_PRICING = { basisPoints: 0.2, minimumUsd: 2 } as const;

/** IB's minimum price increment for a pair: half a pip, which is 0.005 when yen are the price currency. */
export function defaultPairTick(priceCurrency: string): number {
  return priceCurrency === "JPY" ? 0.005 : 0.00005;
}

/**
 * The commission, in the account's base currency, of a pair order that has traded so far `value`
 * (in the pair's price currency); zero before its first fill. The minimum is charged once per order.
 */
export function fxOrderCommission(
  world: SimWorld,
  contract: SimContract,
  baseCurrency: string,
  quantity: number,
  value: number,
): number {
  if (quantity <= 0) return 0;
  const valueUsd = Math.abs(value) * exchangeRate(world, contract.currency, "USD");
  const usd = Math.max((FX_PRICING.basisPoints / 10_000) * valueUsd, FX_PRICING.minimumUsd);
  return Number.parseFloat((usd * exchangeRate(world, "USD", baseCurrency)).toFixed(6));
}
