import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import schema from "../../schema/portfolio.schema.json" with { type: "json" };
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import type {
  CommissionSchedule,
  FxMode,
  OrderType,
  Portfolio,
  RebalanceTo,
  SecType,
  Target,
  TradingMode,
  UnmanagedPolicy,
} from "../../src/core/portfolio.js";

// The TypeScript Portfolio type and schema/portfolio.schema.json describe the same document. Each map
// below must name every key of its type (tsc rejects a missing or extra one through `satisfies`), and
// the test compares it with the schema's property names.

type Keys<T> = Record<keyof T, true>;
/** Keys a user may leave out and that stay absent after loading (no default). */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

const portfolioKeys = {
  version: true,
  account: true,
  baseCurrency: true,
  targets: true,
  cash: true,
  bands: true,
  trading: true,
  limits: true,
  tolerances: true,
  fx: true,
  suspend: true,
} satisfies Keys<Portfolio>;
const targetKeys = {
  symbol: true,
  weight: true,
  conId: true,
  secType: true,
  exchange: true,
  primaryExchange: true,
  currency: true,
} satisfies Keys<Target>;
const targetOptionalKeys = { conId: true, primaryExchange: true } satisfies Record<
  OptionalKeys<Target>,
  true
>;
const cashKeys = { weight: true, minimum: true, currencies: true } satisfies Keys<Portfolio["cash"]>;
const fxKeys = { mode: true, minOrder: true, limitOffsetBps: true, sweep: true } satisfies Keys<
  Portfolio["fx"]
>;
const bandsKeys = { absolute: true, relative: true } satisfies Keys<Portfolio["bands"]>;
const tradingKeys = {
  mode: true,
  rebalanceTo: true,
  minTradeValue: true,
  orderType: true,
  limitOffsetBps: true,
  unmanaged: true,
  commission: true,
} satisfies Keys<Portfolio["trading"]>;
const commissionKeys = {
  perShare: true,
  minimum: true,
  maximumPercent: true,
} satisfies Keys<CommissionSchedule>;
const limitsKeys = { maxOrderValue: true, maxTurnover: true } satisfies Keys<Portfolio["limits"]>;
const tolerancesKeys = { priceMoveBps: true, planTtl: true } satisfies Keys<Portfolio["tolerances"]>;

const modes = { full: true, "buy-only": true, "sell-only": true } satisfies Record<TradingMode, true>;
const rebalanceTo = { target: true, "band-edge": true } satisfies Record<RebalanceTo, true>;
const orderTypes = { MKT: true, LMT: true, ADAPTIVE: true, MOC: true } satisfies Record<OrderType, true>;
const fxModes = { forbid: true, convert: true } satisfies Record<FxMode, true>;
const unmanaged = { ignore: true, warn: true, sell: true } satisfies Record<UnmanagedPolicy, true>;
const secTypes = { STK: true, FUND: true } satisfies Record<SecType, true>;

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  $ref?: string;
}
const root = schema as unknown as JsonSchema & { $defs: Record<string, JsonSchema> };
const prop = (node: JsonSchema, key: string): JsonSchema => {
  const child = node.properties?.[key] ?? {};
  return child.$ref === undefined ? child : (root.$defs[child.$ref.replace("#/$defs/", "")] ?? {});
};
const target = root.$defs["target"] ?? {};
const trading = prop(root, "trading");
const sorted = (o: object): string[] => Object.keys(o).sort();
const schemaKeys = (node: JsonSchema): string[] => sorted(node.properties ?? {});

describe("the Portfolio type and the portfolio schema", () => {
  it.each([
    ["portfolio", portfolioKeys, root],
    ["targets[]", targetKeys, target],
    ["cash", cashKeys, prop(root, "cash")],
    ["bands", bandsKeys, prop(root, "bands")],
    ["trading", tradingKeys, trading],
    ["trading.commission", commissionKeys, prop(trading, "commission")],
    ["limits", limitsKeys, prop(root, "limits")],
    ["tolerances", tolerancesKeys, prop(root, "tolerances")],
    ["fx", fxKeys, prop(root, "fx")],
  ] as const)("%s has the same keys in both", (_name, typeKeys, node) => {
    expect(sorted(typeKeys)).toEqual(schemaKeys(node));
  });

  it.each([
    ["trading.mode", modes, prop(trading, "mode")],
    ["trading.rebalanceTo", rebalanceTo, prop(trading, "rebalanceTo")],
    ["trading.orderType", orderTypes, prop(trading, "orderType")],
    ["trading.unmanaged", unmanaged, prop(trading, "unmanaged")],
    ["fx.mode", fxModes, prop(prop(root, "fx"), "mode")],
    ["targets[].secType", secTypes, prop(target, "secType")],
  ] as const)("%s allows the same values in both", (_name, typeValues, node) => {
    expect(sorted(typeValues)).toEqual([...(node.enum ?? [])].map(String).sort());
  });

  it("marks optional in the type exactly the target keys the schema neither requires nor defaults", () => {
    // currency is the one exception: it has no schema default because it defaults to baseCurrency.
    const optionalInSchema = Object.entries(target.properties ?? {})
      .filter(([key, node]) => !(target.required ?? []).includes(key) && node.default === undefined)
      .map(([key]) => key)
      .filter((key) => key !== "currency")
      .sort();
    expect(optionalInSchema).toEqual(sorted(targetOptionalKeys));
  });

  it("loads a Portfolio literal that sets every key back unchanged", () => {
    const everyKey: Portfolio = {
      version: 1,
      account: "U7654321",
      baseCurrency: "EUR",
      targets: [
        {
          symbol: "VWCE",
          weight: 60,
          conId: 287201337,
          secType: "STK",
          exchange: "SMART",
          primaryExchange: "IBIS2",
          currency: "EUR",
        },
        { symbol: "VTI", weight: 30, secType: "FUND", exchange: "ARCA", currency: "USD" },
      ],
      cash: { weight: 10, minimum: 1000, currencies: { EUR: 6, USD: 4 } },
      bands: { absolute: 3, relative: 10 },
      trading: {
        mode: "buy-only",
        rebalanceTo: "band-edge",
        minTradeValue: 50,
        orderType: "ADAPTIVE",
        limitOffsetBps: 25,
        unmanaged: "ignore",
        commission: { perShare: 0.01, minimum: 2, maximumPercent: 0.5 },
      },
      limits: { maxOrderValue: 10000, maxTurnover: 50 },
      tolerances: { priceMoveBps: 20, planTtl: "2d" },
      fx: { mode: "convert", minOrder: 500, limitOffsetBps: 2, sweep: true },
      suspend: true,
    };
    const result = parsePortfolio(Buffer.from(stringify(everyKey)), "every-key.yaml");
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) expect(result.portfolio).toEqual(everyKey);
  });
});
