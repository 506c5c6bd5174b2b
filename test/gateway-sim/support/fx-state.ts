// A EUR-base account holding a USD ETF, euros and dollars, and the EUR.USD pair as IB lists it on
// IDEALPRO (conId, long name, half-pip tick): what currency conversions are tested against.
import type { Contract, Order } from "@stoqey/ib";
import { OrderAction, OrderType, SecType } from "@stoqey/ib";
import type { SimStateFile } from "../../../src/gateway-sim/index.js";

export const EUR_ACCOUNT = "DU2345678";
export const EUR_USD = 12087792;
export const VTI = 756733;
/** Value of one euro in dollars: the rate the account is valued at. */
export const EUR_RATE = 1.085;

export function fxState(): SimStateFile {
  return {
    accounts: [
      {
        id: EUR_ACCOUNT,
        baseCurrency: "EUR",
        cash: { EUR: 10000, USD: 50000 },
        positions: [{ conId: VTI, quantity: 40, avgCost: 230 }],
      },
    ],
    contracts: [
      { conId: VTI, symbol: "VTI", exchange: "SMART", primaryExchange: "ARCA", currency: "USD" },
      {
        conId: EUR_USD,
        symbol: "EUR",
        secType: "CASH",
        currency: "USD",
        longName: "European Monetary Union Euro",
      },
    ],
    quotes: {
      [VTI]: { bid: 249.95, ask: 250.05, last: 250, close: 248.1 },
      [EUR_USD]: { bid: 1.08495, ask: 1.08505, close: 1.083, bidSize: 5_000_000, askSize: 3_000_000 },
    },
    exchangeRates: { USD: 1, EUR: EUR_RATE },
    faults: [],
  };
}

export const eurUsd: Contract = {
  symbol: "EUR",
  secType: SecType.CASH,
  exchange: "IDEALPRO",
  currency: "USD",
};

/** A transmitted DAY market order for the EUR account: `quantity` euros bought (or sold) against dollars. */
export function conversion(fields: Partial<Order>): Order {
  return {
    action: OrderAction.BUY,
    totalQuantity: 30000,
    orderType: OrderType.MKT,
    account: EUR_ACCOUNT,
    transmit: true,
    tif: "DAY",
    ...fields,
  };
}

/** IB's minimum of USD 2.00, charged in euros at the account's rate. */
export const MINIMUM_IN_EUR = Number.parseFloat((2 / EUR_RATE).toFixed(6));
