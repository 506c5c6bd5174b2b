// The contract of a US stock on SMART as a leg carries it: what the apply tests' hand-made legs trade.
export function usStock(conId: number, symbol: string) {
  return { conId, symbol, secType: "STK", exchange: "SMART", currency: "USD" };
}
