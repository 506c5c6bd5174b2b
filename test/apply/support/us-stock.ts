// The contract of a US stock on SMART as a leg carries it: what the apply tests' hand-made legs trade,
// and the one-share market buy they place by hand to give IB an order of their own to report.
import type { OrderRequest } from "../../../src/broker/broker.js";

export function usStock(conId: number, symbol: string) {
  return { conId, symbol, secType: "STK", exchange: "SMART", currency: "USD" };
}

/** A market buy of one share of the US stock `conId` on `account`, under `orderRef`. */
export function oneShareMarketBuy(
  account: string,
  conId: number,
  symbol: string,
  orderRef: string,
): OrderRequest {
  return { account, contract: usStock(conId, symbol), side: "BUY", quantity: 1, orderType: "MKT", orderRef };
}
