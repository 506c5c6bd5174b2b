// Buys are sized from the cash actually there after the sells, never from the plan's estimate alone:
// a sell that filled lower, or not at all, must not turn a buy into a margin loan.

export interface BuyToSize {
  leg: string;
  currency: string;
  plannedQuantity: number;
  /** The most one share may cost: the limit price, or the plan price plus the allowed move. */
  maxPricePerShare: number;
}

export interface SizedBuy {
  leg: string;
  quantity: number;
  /** Set when the quantity is lower than planned, saying why. */
  shrunk?: string;
}

/**
 * Whole-share quantities, each at most the planned one, that keep every currency's cash at or above
 * its floor after commissions. Buys are funded in plan order (the plan lists the most needed first).
 */
export function sizeBuys(
  buys: BuyToSize[],
  available: Record<string, number>,
  commission: (shares: number, price: number) => number,
): SizedBuy[] {
  const left = { ...available };
  return buys.map((buy) => {
    const cash = left[buy.currency] ?? 0;
    let quantity = buy.plannedQuantity;
    while (
      quantity > 0 &&
      quantity * buy.maxPricePerShare + commission(quantity, buy.maxPricePerShare) > cash
    ) {
      // Step down in one move to the affordable size, then by one share for the commission's rounding.
      const affordable = Math.floor(cash / buy.maxPricePerShare);
      quantity = affordable < quantity ? affordable : quantity - 1;
    }
    quantity = Math.max(0, quantity);
    left[buy.currency] =
      cash -
      (quantity > 0 ? quantity * buy.maxPricePerShare + commission(quantity, buy.maxPricePerShare) : 0);
    if (quantity === buy.plannedQuantity) return { leg: buy.leg, quantity };
    const shrunk = `cash in ${buy.currency} after the sells pays for ${quantity} of ${buy.plannedQuantity} shares`;
    return { leg: buy.leg, quantity, shrunk };
  });
}
