// Contracts and a plain order for tests that place orders on the test state's account.
import type { Contract, Order } from "@stoqey/ib";
import { OrderAction, OrderType, SecType } from "@stoqey/ib";
import { ACCOUNT, BND, VNQ, VTI } from "./test-state.js";

export const vti: Contract = {
  conId: VTI,
  symbol: "VTI",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};
export const vnq: Contract = {
  conId: VNQ,
  symbol: "VNQ",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};
export const bnd: Contract = {
  conId: BND,
  symbol: "BND",
  secType: SecType.STK,
  exchange: "SMART",
  currency: "USD",
};

/** A transmitted DAY market order to buy 10 for the test account, with `fields` changed. */
export function order(fields: Partial<Order>): Order {
  return {
    action: OrderAction.BUY,
    totalQuantity: 10,
    orderType: OrderType.MKT,
    account: ACCOUNT,
    transmit: true,
    tif: "DAY",
    ...fields,
  };
}
