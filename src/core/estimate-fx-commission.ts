// IB's commission on IDEALPRO conversions (fixed pricing): 0.2 basis points of the trade value, at least
// 2 USD, charged in the account's base currency.
const RATE = 0.00002;
const MINIMUM_USD = 2;

/**
 * The commission of a conversion worth `valueBase` (in the base currency), in the base currency.
 * `usdRate` is the base-currency value of one USD; without it the minimum is taken as 2 base units.
 */
export function estimateFxCommission(valueBase: number, usdRate: number | undefined): number {
  if (!(valueBase > 0)) return 0;
  const rate = usdRate !== undefined && usdRate > 0 ? usdRate : 1;
  return Math.max(RATE * valueBase, MINIMUM_USD * rate);
}

/** IB fills conversions below this many USD (equivalent) as odd lots, away from the quoted spread. */
export const FX_ODD_LOT_USD = 25_000;
