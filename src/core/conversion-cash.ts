/**
 * What a conversion on a pair X.Y does to cash: buying `quantity` of X pays quantity x price of Y;
 * selling does the opposite. (Its commission is charged apart, in the base currency.)
 */
export function conversionCashChange(
  order: { side: "BUY" | "SELL"; quantity: number; symbol: string; currency: string },
  price: number,
): Array<[currency: string, amount: number]> {
  const sign = order.side === "BUY" ? 1 : -1;
  return [
    [order.symbol, sign * order.quantity],
    [order.currency, -sign * order.quantity * price],
  ];
}
