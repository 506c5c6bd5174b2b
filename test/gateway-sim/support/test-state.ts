// A small, realistic simulator state for tests: one USD account holding VTI and BND, three US ETFs,
// and a symbol listed in two currencies.
import type { SimStateFile } from "../../../src/gateway-sim/index.js";

export const ACCOUNT = "DU1234567";
export const VTI = 756733;
export const BND = 43645865;
export const VNQ = 31230302;
export const SHOP_USD = 195014116;
export const SHOP_CAD = 195014125;

export function testState(): SimStateFile {
  return {
    accounts: [
      {
        id: ACCOUNT,
        baseCurrency: "USD",
        cash: { USD: 25000, CAD: 1000 },
        positions: [
          { conId: VTI, quantity: 100, avgCost: 210.5 },
          { conId: BND, quantity: 50, avgCost: 71.2 },
        ],
      },
    ],
    contracts: [
      {
        conId: VTI,
        symbol: "VTI",
        secType: "STK",
        exchange: "SMART",
        primaryExchange: "ARCA",
        currency: "USD",
        minTick: 0.01,
        longName: "Vanguard Total Stock Market ETF",
      },
      {
        conId: BND,
        symbol: "BND",
        exchange: "SMART",
        primaryExchange: "NASDAQ",
        currency: "USD",
        longName: "Vanguard Total Bond Market ETF",
      },
      {
        conId: VNQ,
        symbol: "VNQ",
        exchange: "SMART",
        primaryExchange: "ARCA",
        currency: "USD",
        longName: "Vanguard Real Estate ETF",
      },
      {
        conId: SHOP_USD,
        symbol: "SHOP",
        exchange: "SMART",
        primaryExchange: "NYSE",
        currency: "USD",
        longName: "Shopify Inc",
      },
      {
        conId: SHOP_CAD,
        symbol: "SHOP",
        exchange: "SMART",
        primaryExchange: "TSE",
        currency: "CAD",
        longName: "Shopify Inc",
      },
    ],
    quotes: {
      [VTI]: {
        bid: 249.95,
        ask: 250.05,
        last: 250.0,
        close: 248.1,
        bidSize: 300,
        askSize: 200,
        lastSize: 100,
        volume: 1200000,
      },
      [BND]: { bid: 72.48, ask: 72.52, last: 72.5, close: 72.4 },
      [VNQ]: { bid: 88.38, ask: 88.42, last: 88.4, close: 87.9 },
      [SHOP_USD]: { bid: 110.1, ask: 110.2, last: 110.15, close: 109 },
      [SHOP_CAD]: { bid: 152.1, ask: 152.3, last: 152.2, close: 151 },
    },
    exchangeRates: { USD: 1, CAD: 0.72 },
    marketData: "live",
    faults: [],
  };
}
