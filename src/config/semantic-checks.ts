// Rules about a portfolio that JSON Schema cannot express: sums across fields, uniqueness, real
// currency codes, and settings that contradict each other. Each check looks only at fields that
// already have the right type, so a file with schema errors still gets every other problem reported.
import type { PathSegment } from "./field-path.js";
import { isRecord } from "./field-path.js";
import { isIsoCurrency, isoCurrencyCodes } from "./iso-currencies.js";
import type { Problem } from "./problem.js";
import { suggestKey } from "./suggest-key.js";

/** Weights are written with a few decimals; sums of binary fractions are off by ~1e-14. */
export const WEIGHT_TOTAL_TOLERANCE = 1e-9;

export interface SemanticInput {
  /** The document after schema defaults were applied. */
  data: unknown;
  /** The document as written, to tell a user's setting from a default. */
  written: unknown;
}

export function checkPortfolioSemantics(input: SemanticInput): Problem[] {
  const { data } = input;
  if (!isRecord(data)) return [];
  const has = (path: PathSegment[]): boolean => valueAt(input.written, path) !== undefined;
  return [
    ...checkWeightTotal(data),
    ...checkDuplicateTargets(data),
    ...checkCurrencies(data),
    ...checkBuyOnlySell(data, has),
    ...checkOrderValueLimits(data, has),
    ...checkLimitOffset(data, has),
    ...checkCashCurrencies(data, has),
  ];
}

function targetsOf(data: Record<string, unknown>): Record<string, unknown>[] | undefined {
  return Array.isArray(data["targets"]) ? data["targets"].map((t) => (isRecord(t) ? t : {})) : undefined;
}

function checkWeightTotal(data: Record<string, unknown>): Problem[] {
  const targets = targetsOf(data);
  const cash = isRecord(data["cash"]) ? data["cash"]["weight"] : undefined;
  if (targets === undefined || targets.length === 0 || !isFiniteNumber(cash)) return [];
  const weights = targets.map((t) => t["weight"]);
  // A weight outside (0, 100] or a cash weight outside [0, 100] already has its own message, which
  // says more than a wrong total would.
  const inRange = (w: unknown): w is number => isFiniteNumber(w) && w > 0 && w <= 100;
  if (!weights.every(inRange) || cash < 0 || cash > 100) return [];
  const targetTotal = weights.reduce((sum, w) => sum + w, 0);
  const total = targetTotal + cash;
  const excess = total - 100;
  if (Math.abs(excess) <= WEIGHT_TOTAL_TOLERANCE) return [];
  const largest = Math.max(...weights);
  return [
    {
      path: ["targets"],
      at: "key",
      message: `target weights (${round(targetTotal)}) plus cash.weight (${round(cash)}) total ${round(total)}, not 100`,
      // A total near 1 is fractions (0.4 for 40%), not a few points off: "raise by 99" would mislead.
      hint: writtenAsFractions(total)
        ? `weights are percent: ${round(largest)} means ${round(largest)}%, write ${round(largest * 100)} for ${round(largest * 100)}%`
        : `${excess > 0 ? "lower" : "raise"} the weights by ${gap(excess)} percentage points in total`,
    },
  ];
}

/**
 * Two targets are the same holding when they pin the same conId, or when either is unpinned and they
 * share symbol and currency. The same ticker in two currencies (SHOP in USD and in CAD) is two holdings.
 */
function checkDuplicateTargets(data: Record<string, unknown>): Problem[] {
  const targets = targetsOf(data);
  if (targets === undefined) return [];
  const base = typeof data["baseCurrency"] === "string" ? data["baseCurrency"] : undefined;
  const problems: Problem[] = [];
  // Maps instead of pairwise comparison: a portfolio may list up to 10000 targets.
  const byConId = new Map<number, number>();
  const byListing = new Map<string, { first: number; firstUnpinned?: number }>();
  targets.forEach((target, index) => {
    const conId = typeof target["conId"] === "number" ? target["conId"] : undefined;
    const symbol = target["symbol"];
    const currency = typeof target["currency"] === "string" ? target["currency"] : base;
    if (conId !== undefined) {
      const earlier = byConId.get(conId);
      if (earlier !== undefined) {
        problems.push({
          path: ["targets", index, "conId"],
          at: "value",
          message: `conId ${conId} is already used by targets[${earlier}]${describeSymbol(targets[earlier]?.["symbol"])}`,
          hint: "list each contract once; merge the two weights into one target",
        });
        return;
      }
      byConId.set(conId, index);
    }
    if (typeof symbol !== "string") return;
    const key = `${symbol}\u0000${currency ?? ""}`;
    const seen = byListing.get(key);
    // Two entries pinned to different conIds are different contracts that share a ticker.
    const earlier = seen === undefined ? undefined : conId === undefined ? seen.first : seen.firstUnpinned;
    if (earlier !== undefined) {
      problems.push({
        path: ["targets", index, "symbol"],
        at: "value",
        message: `\`${symbol}\` in ${currency ?? "the base currency"} is already listed as targets[${earlier}]`,
        hint: "list each holding once; merge the two weights, or set `currency` (or `conId`) when they are different listings",
      });
      return;
    }
    const entry = seen ?? { first: index };
    if (conId === undefined) entry.firstUnpinned ??= index;
    byListing.set(key, entry);
  });
  return problems;
}

function describeSymbol(symbol: unknown): string {
  return typeof symbol === "string" ? ` (${symbol})` : "";
}

function checkCurrencies(data: Record<string, unknown>): Problem[] {
  const fields: { path: PathSegment[]; value: unknown; at?: Problem["at"] }[] = [
    { path: ["baseCurrency"], value: data["baseCurrency"] },
  ];
  targetsOf(data)?.forEach((target, index) => {
    fields.push({ path: ["targets", index, "currency"], value: target["currency"] });
  });
  for (const code of Object.keys(cashCurrencies(data) ?? {})) {
    fields.push({ path: ["cash", "currencies", code], value: code, at: "key" });
  }
  const problems: Problem[] = [];
  for (const { path, value, at = "value" } of fields) {
    // Malformed codes (`usd`, `US`) already fail the schema's pattern; only well-formed unknown ones here.
    if (typeof value !== "string" || !/^[A-Z]{3}$/.test(value) || isIsoCurrency(value)) continue;
    const suggestion = suggestKey(value, [...COMMON_CURRENCIES, ...isoCurrencyCodes()]);
    problems.push({
      path,
      at,
      message: `\`${value}\` is not an ISO 4217 currency code`,
      hint:
        suggestion === undefined
          ? "use a code such as USD, EUR, GBP or CHF"
          : `did you mean \`${suggestion}\`?`,
    });
  }
  return problems;
}

// Listed first so that a typo resolves to the currency a broker account most likely uses (USX -> USD).
const COMMON_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "CHF",
  "JPY",
  "CAD",
  "AUD",
  "HKD",
  "SGD",
  "SEK",
  "NOK",
  "DKK",
];

function checkBuyOnlySell(data: Record<string, unknown>, has: (path: PathSegment[]) => boolean): Problem[] {
  const trading = isRecord(data["trading"]) ? data["trading"] : {};
  if (trading["mode"] !== "buy-only" || trading["unmanaged"] !== "sell") return [];
  return [
    {
      path: has(["trading", "unmanaged"]) ? ["trading", "unmanaged"] : ["trading", "mode"],
      at: "value",
      message: "`unmanaged: sell` contradicts `mode: buy-only`, which never sells",
      hint: "set `unmanaged: warn` (or `ignore`), or `mode: full` to sell positions that are not in the targets",
    },
  ];
}

function checkOrderValueLimits(
  data: Record<string, unknown>,
  has: (path: PathSegment[]) => boolean,
): Problem[] {
  const minTrade = isRecord(data["trading"]) ? data["trading"]["minTradeValue"] : undefined;
  const maxOrder = isRecord(data["limits"]) ? data["limits"]["maxOrderValue"] : undefined;
  if (!isFiniteNumber(minTrade) || !isFiniteNumber(maxOrder) || maxOrder >= minTrade) return [];
  // Point at the limit the user wrote; when both are written, at the cap.
  if (has(["limits", "maxOrderValue"]) || !has(["trading", "minTradeValue"])) {
    return [
      {
        path: ["limits", "maxOrderValue"],
        at: "value",
        message: `must be at least trading.minTradeValue (${minTrade}) (got ${maxOrder}): every order would be dropped or refused`,
        hint: "raise limits.maxOrderValue or lower trading.minTradeValue",
      },
    ];
  }
  return [
    {
      path: ["trading", "minTradeValue"],
      at: "value",
      message: `must be at most limits.maxOrderValue (${maxOrder}) (got ${minTrade}): every order would be dropped or refused`,
      hint: "lower trading.minTradeValue or raise limits.maxOrderValue",
    },
  ];
}

function checkLimitOffset(data: Record<string, unknown>, has: (path: PathSegment[]) => boolean): Problem[] {
  const trading = isRecord(data["trading"]) ? data["trading"] : {};
  const orderType = trading["orderType"];
  // A collar written next to a market order would be silently ignored: the user believes in a price
  // protection that is not there.
  if (!has(["trading", "limitOffsetBps"]) || (orderType !== "MKT" && orderType !== "MOC")) return [];
  return [
    {
      path: ["trading", "limitOffsetBps"],
      at: "key",
      message: `applies only to LMT orders, but orderType is ${orderType}: this price collar would be ignored`,
      hint: "remove limitOffsetBps, or set `orderType: LMT` to keep the price collar",
    },
  ];
}

function cashCurrencies(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const cash = data["cash"];
  return isRecord(cash) && isRecord(cash["currencies"]) ? cash["currencies"] : undefined;
}

/** cash.currencies splits cash.weight, and only conversions can keep cash in a given currency. */
function checkCashCurrencies(
  data: Record<string, unknown>,
  has: (path: PathSegment[]) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  const fx = isRecord(data["fx"]) ? data["fx"] : {};
  const convert = fx["mode"] === "convert";
  const parts = cashCurrencies(data);
  if (parts !== undefined && !convert) {
    problems.push({
      path: ["cash", "currencies"],
      at: "key",
      message: "splits cash by currency, which takes currency conversions, but fx.mode is forbid",
      hint: "set `fx: { mode: convert }` to plan the conversions, or remove cash.currencies",
    });
  }
  if (has(["fx", "sweep"]) && fx["sweep"] === true && !convert) {
    problems.push({
      path: ["fx", "sweep"],
      at: "key",
      message:
        "sweeps foreign cash back to the base currency, which takes conversions, but fx.mode is forbid",
      hint: "set `mode: convert` in fx, or remove sweep",
    });
  }
  const weight = isRecord(data["cash"]) ? data["cash"]["weight"] : undefined;
  const values = Object.values(parts ?? {});
  if (parts === undefined || !isFiniteNumber(weight) || !values.every(isFiniteNumber)) return problems;
  const total = values.reduce((sum, value) => sum + value, 0);
  if (Math.abs(total - weight) > WEIGHT_TOTAL_TOLERANCE) {
    problems.push({
      path: ["cash", "currencies"],
      at: "key",
      message: `the parts total ${round(total)}, not cash.weight (${round(weight)})`,
      hint: `make the parts add up to cash.weight: ${total > weight ? "lower" : "raise"} them by ${gap(total - weight)} percentage points in total, or change cash.weight`,
    });
  }
  return problems;
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof segment === "number") current = Array.isArray(current) ? current[segment] : undefined;
    else current = isRecord(current) ? current[segment] : undefined;
  }
  return current;
}

/** Weights and cash that add up to about 1 were written as fractions of one, not as percent. */
function writtenAsFractions(total: number): boolean {
  return total > 0.9 && total < 1.1;
}

/** Ten decimals: finer than the tolerance, coarser than the float noise of a sum near 100. */
function gap(excess: number): number {
  return Number(Math.abs(excess).toFixed(10));
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Twelve significant digits hide float noise (0.1 + 0.2) and still show any gap above the tolerance. */
function round(value: number): number {
  return Number(value.toPrecision(12));
}
