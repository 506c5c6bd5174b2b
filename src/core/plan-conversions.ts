// Currency conversions (fx.mode: convert): after the holdings' trades are chosen, each currency's cash
// is brought to what the plan needs of it by conversion legs F1, F2... on IB's IDEALPRO pairs, placed
// after the sells and before the buys. README "How folioctl plans", "Currency conversions".
import { bandWidth } from "./band-width.js";
import { conversionCashChange } from "./conversion-cash.js";
import { estimateFxCommission, FX_ODD_LOT_USD } from "./estimate-fx-commission.js";
import { findCurrencyPair, type CurrencyPair } from "./find-currency-pair.js";
import { formatFixed, formatMoney } from "./format-number.js";
import { limitPrice } from "./limit-price.js";
import type { OrderSide, PlanOrder, PlanProblem, PlanWarning } from "./plan.js";
import { planWarning } from "./plan-warning.js";
import type { Portfolio } from "./portfolio.js";
import { roundMoney, roundQuantity } from "./round-to.js";
import type { Snapshot } from "./snapshot.js";
import { valuationPrice } from "./valuation-price.js";

export interface ConversionInput {
  /** Cash per currency after the holdings' orders and their commissions, before any conversion. */
  cashAfterTrades: ReadonlyMap<string, number>;
  /** What the buys in each currency cost with their commissions, at the plan's prices. */
  spend: ReadonlyMap<string, number>;
  /** In the base currency: what cash.currencies' weights are parts of. */
  managedValue: number;
}

export interface ConversionPlan {
  /** F1, F2... in the order of the currencies' codes. */
  orders: PlanOrder[];
  /** Cash change per currency at the plan's rates, the commissions (charged in the base currency) included. */
  cashDelta: Map<string, number>;
  commissionsBase: number;
  problems: PlanProblem[];
  warnings: PlanWarning[];
}

/**
 * One conversion to make: `currency` bought with, or sold for, the base currency. `required` is what the
 * buys cannot do without; `wanted` is more that is good to have (a buffer for prices moving, the
 * cash.currencies part, fx.minOrder, a sweep) and is planned only as far as the paying currency affords.
 */
interface Need {
  currency: string;
  direction: "buy" | "sell";
  required: number;
  wanted: number;
  /** A sale never gives more of the currency than this: what the account has of it to spare. */
  atMost?: number;
  reason: string;
}

export function planConversions(
  portfolio: Portfolio,
  snapshot: Snapshot,
  input: ConversionInput,
): ConversionPlan {
  const plan: ConversionPlan = {
    orders: [],
    cashDelta: new Map(),
    commissionsBase: 0,
    problems: [],
    warnings: [],
  };
  if (portfolio.fx.mode !== "convert") return plan;
  const base = portfolio.baseCurrency;
  const rates = snapshot.exchangeRates;
  const quote = (currency: string, direction: Need["direction"]): Quoted | undefined =>
    quoteConversion(portfolio, snapshot, currency, direction);
  const needs = foreignNeeds(portfolio, snapshot, input);
  needs.push(...baseNeeds(portfolio, snapshot, input, needs, quote));
  const merged = mergeByCurrency(needs);
  const quoted = merged.map((need) => ({ need, quoted: quote(need.currency, need.direction) }));
  // What the base currency can pay for purchases beyond what they require: its cash after the trades,
  // plus what required sales bring, less required purchases, a commission and a rounding step per leg,
  // all at the limit prices (the worst fills apply accepts).
  let spare = input.cashAfterTrades.get(base) ?? 0;
  for (const { need, quoted: q } of quoted) {
    if (q === undefined) continue;
    const required = need.required * q.basePerUnit;
    spare += need.direction === "sell" ? required : -required - q.incrementBase;
    spare -= estimateFxCommission(Math.max(required, portfolio.fx.minOrder), rates["USD"]);
  }
  for (const { need, quoted: q } of quoted) {
    const rate = rates[need.currency];
    if (rate === undefined || !(rate > 0)) continue; // valuation already refused the plan for the missing rate
    let extra = need.wanted;
    if (need.direction === "buy" && q !== undefined) {
      const floor = need.required > 0 ? Math.max(0, portfolio.fx.minOrder / rate - need.required) : 0;
      extra = Math.max(0, Math.min(Math.max(extra, floor), spare / q.basePerUnit));
      spare -= extra * q.basePerUnit;
    }
    const amount = need.required + extra;
    if (!(amount > 0) || (need.required === 0 && amount * rate < portfolio.fx.minOrder)) continue;
    if (q === undefined) {
      plan.problems.push(noPair(need, amount, base, findCurrencyPair(snapshot, need.currency, base)));
      continue;
    }
    const leg = `F${plan.orders.length + 1}`;
    const order = conversionOrder(snapshot, { ...need, amount }, q, leg);
    if (order === undefined) continue;
    plan.orders.push(order);
    applyToCash(plan, order, q.pair, snapshot);
    const usdRate = rates["USD"];
    const usd = usdRate === undefined ? order.estimatedValueBase : order.estimatedValueBase / usdRate;
    if (usd < FX_ODD_LOT_USD) {
      plan.warnings.push(
        planWarning(
          "fx-odd-lot",
          `${leg} converts about ${formatMoney(usd)} USD: IB fills conversions below ${formatMoney(FX_ODD_LOT_USD)} USD as odd lots, at a price that may be a little outside the quoted bid and ask (the limit price still bounds it)`,
          q.pair.name,
          q.pair.contract.conId,
        ),
      );
    }
  }
  return plan;
}

/** A conversion priced on its pair: the order's side and limit, and what one unit costs or brings in base. */
interface Quoted {
  pair: CurrencyPair;
  mid: number;
  side: OrderSide;
  limit: number;
  /** Base currency paid (a purchase) or received (a sale) per unit of the currency, at the limit price. */
  basePerUnit: number;
  /** One increment of the pair's quantity, in the base currency: what rounding a quantity may add. */
  incrementBase: number;
}

function quoteConversion(
  portfolio: Portfolio,
  snapshot: Snapshot,
  currency: string,
  direction: Need["direction"],
): Quoted | undefined {
  const pair = findCurrencyPair(snapshot, currency, portfolio.baseCurrency);
  const valuation = valuationPrice(pair?.quote);
  if (pair === undefined || valuation === undefined) return undefined;
  // The pair is <currency>.<base> (its price is base per unit) or <base>.<currency> (units per base).
  const first = pair.contract.symbol === currency;
  const side: OrderSide = first === (direction === "buy") ? "BUY" : "SELL";
  const limit = limitPrice(side, valuation.price, portfolio.fx.limitOffsetBps, pair.contract.minTick);
  const increment = pair.contract.sizeIncrement > 0 ? pair.contract.sizeIncrement : 1;
  return {
    pair,
    mid: valuation.price,
    side,
    limit,
    basePerUnit: first ? limit : 1 / limit,
    incrementBase: first ? increment * limit : increment,
  };
}

/** Per foreign currency: buys it cannot pay, the part cash.currencies keeps, or a sweep back to base. */
function foreignNeeds(portfolio: Portfolio, snapshot: Snapshot, input: ConversionInput): Need[] {
  const base = portfolio.baseCurrency;
  const needs: Need[] = [];
  for (const currency of foreignCurrencies(portfolio, input)) {
    const rate = snapshot.exchangeRates[currency];
    if (rate === undefined || !(rate > 0)) continue;
    const have = input.cashAfterTrades.get(currency) ?? 0;
    const spend = input.spend.get(currency) ?? 0;
    const buffer = spend * (portfolio.tolerances.priceMoveBps / 10_000);
    const part = portfolio.cash.currencies?.[currency];
    const keep = part === undefined ? 0 : ((part / 100) * input.managedValue) / rate;
    const band =
      part === undefined ? 0 : (bandWidth(part / 100, portfolio.bands) * input.managedValue) / rate;
    const fmt = (value: number): string => `${formatMoney(value)} ${currency}`;
    const kept = part === undefined ? "" : `cash.currencies keeps ${formatFixed(part, 2)}% (${fmt(keep)}); `;
    if (have < 0 || (part !== undefined && have < keep - band)) {
      const required = Math.max(0, -have);
      needs.push({
        currency,
        direction: "buy",
        required,
        wanted: keep + buffer - have - required,
        reason: `${kept}buys need ${fmt(spend)} with commissions, cash and sells give ${fmt(have + spend)}, and ${fmt(buffer)} more covers prices moving by tolerances.priceMoveBps`,
      });
    } else if (part !== undefined ? have > keep + band + buffer : portfolio.fx.sweep && have > buffer) {
      const amount = have - keep - buffer;
      needs.push({
        currency,
        direction: "sell",
        required: 0,
        wanted: amount,
        atMost: have - keep,
        reason: `${part === undefined ? "fx.sweep: " : kept}${fmt(have)} after the orders, ${fmt(amount)} more than the plan keeps, back to ${base}`,
      });
    }
  }
  return needs;
}

/**
 * The base currency's own shortfall (a USD account paying USD buys with the euros it holds), met from
 * the foreign currencies that have cash to spare, largest first. Foreign purchases in `planned` are paid
 * from the base currency too, so they count.
 */
function baseNeeds(
  portfolio: Portfolio,
  snapshot: Snapshot,
  input: ConversionInput,
  planned: Need[],
  quote: (currency: string, direction: Need["direction"]) => Quoted | undefined,
): Need[] {
  const base = portfolio.baseCurrency;
  const rates = snapshot.exchangeRates;
  const paid = planned
    .filter((need) => need.direction === "buy")
    .reduce((sum, need) => {
      const q = quote(need.currency, "buy");
      return sum + need.required * (q?.basePerUnit ?? rates[need.currency] ?? 0) + (q?.incrementBase ?? 0);
    }, 0);
  const base0 = input.cashAfterTrades.get(base) ?? 0;
  // The legs' commissions are charged in the base currency: a leg that makes up a shortfall pays its own.
  const fees = (planned.length + 1) * estimateFxCommission(Math.max(paid - base0, 0), rates["USD"]);
  const short = paid - base0 + (paid - base0 > 0 ? fees : 0);
  if (!(short > 0)) return [];
  let left = short;
  const needs: Need[] = [];
  const spare = foreignCurrencies(portfolio, input)
    .map((currency) => {
      const rate = rates[currency] ?? 0;
      const have = input.cashAfterTrades.get(currency) ?? 0;
      const part = portfolio.cash.currencies?.[currency];
      const keep = part === undefined || !(rate > 0) ? 0 : ((part / 100) * input.managedValue) / rate;
      // What a sweep already sells of it is not there to sell again.
      const swept = planned.find((n) => n.currency === currency && n.direction === "sell")?.wanted ?? 0;
      return { currency, rate, available: have - keep - swept, atMost: have - keep };
    })
    .filter((s) => s.rate > 0 && s.available > 0)
    .sort((a, b) => b.available * b.rate - a.available * a.rate);
  for (const { currency, rate, available, atMost } of spare) {
    if (!(left > 0)) break;
    const q = quote(currency, "sell");
    const perUnit = q?.basePerUnit ?? rate;
    // One increment more: the quantity is rounded to the pair's increments.
    const amount = Math.min(available, left / perUnit + (q === undefined ? 0 : q.incrementBase / perUnit));
    left -= amount * perUnit;
    needs.push({
      currency,
      direction: "sell",
      required: amount,
      wanted: 0,
      atMost,
      reason: `${base} buys and conversions need ${formatMoney(short)} ${base} more than ${base} cash and sells give, and ${formatMoney(available)} ${currency} is spare`,
    });
  }
  return needs;
}

/**
 * What the holdings' optimiser leaves in cash (base currency) for the conversions it may cause: per
 * foreign currency the account holds or targets, a conversion's commission and the rounding of its
 * quantity up to a whole increment of the pair. Without it a fully invested account could not pay them.
 */
export function conversionReserve(portfolio: Portfolio, snapshot: Snapshot, managedValue: number): number {
  if (portfolio.fx.mode !== "convert") return 0;
  const base = portfolio.baseCurrency;
  const rates = snapshot.exchangeRates;
  const currencies = new Set([
    ...Object.keys(snapshot.cash),
    ...portfolio.targets.map((t) => t.currency),
    ...Object.keys(portfolio.cash.currencies ?? {}),
  ]);
  currencies.delete(base);
  let reserve = 0;
  for (const currency of currencies) {
    const pair = findCurrencyPair(snapshot, currency, base);
    const increment = pair?.contract.sizeIncrement ?? 1;
    const unit =
      increment * Math.max(rates[pair?.contract.symbol ?? currency] ?? 0, rates[currency] ?? 0, 1e-9);
    reserve += estimateFxCommission(managedValue, rates["USD"]) + unit;
  }
  return reserve;
}

/** Currencies other than the base one that hold cash, are traded, or have a cash.currencies part. */
function foreignCurrencies(portfolio: Portfolio, input: ConversionInput): string[] {
  const all = new Set([
    ...input.cashAfterTrades.keys(),
    ...input.spend.keys(),
    ...Object.keys(portfolio.cash.currencies ?? {}),
  ]);
  all.delete(portfolio.baseCurrency);
  return [...all].sort();
}

/** One leg per currency and direction: a sweep and a base shortfall from the same currency add up. */
function mergeByCurrency(needs: Need[]): Need[] {
  const merged = new Map<string, Need>();
  for (const need of needs) {
    const key = `${need.currency} ${need.direction}`;
    const earlier = merged.get(key);
    merged.set(
      key,
      earlier === undefined
        ? need
        : {
            ...earlier,
            required: earlier.required + need.required,
            wanted: earlier.wanted + need.wanted,
            ...(earlier.atMost === undefined && need.atMost === undefined
              ? {}
              : { atMost: Math.max(earlier.atMost ?? 0, need.atMost ?? 0) }),
            reason: `${earlier.reason}; ${need.reason}`,
          },
    );
  }
  return [...merged.values()].sort((a, b) =>
    a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0,
  );
}

/**
 * The order on the pair as IB lists it. Quantities are in the pair's first currency; a purchase (or a
 * required sale) is sized at the limit price and rounded up, so that it yields the amount needed even
 * when filled at the edge of the collar; a wanted sale is rounded down. Undefined when that is nothing.
 */
function conversionOrder(
  snapshot: Snapshot,
  need: Need & { amount: number },
  q: Quoted,
  leg: string,
): PlanOrder | undefined {
  const { contract } = q.pair;
  const first = contract.symbol === need.currency;
  const increment = contract.sizeIncrement > 0 ? contract.sizeIncrement : 1;
  const units = first ? need.amount : need.amount / q.limit;
  const up = need.direction === "buy" || need.required > 0;
  let steps = up ? Math.ceil(units / increment - 1e-9) : Math.floor(units / increment + 1e-9);
  if (need.direction === "sell" && need.atMost !== undefined) {
    // Rounding up must not sell what is not there: at the limit price, `atMost` buys this many steps.
    const most = first ? need.atMost : need.atMost / q.limit;
    steps = Math.min(steps, Math.floor(most / increment + 1e-9));
  }
  if (!(steps > 0)) return undefined;
  const quantity = roundQuantity(steps * increment);
  const value = quantity * q.mid;
  const rate = snapshot.exchangeRates[contract.currency] ?? 0;
  const commissionBase = estimateFxCommission(value * rate, snapshot.exchangeRates["USD"]);
  const quoteTime = q.pair.quote?.time ?? snapshot.asOf;
  // Keys in sorted order: the plan is hashed in canonical form, and sorted objects need no copy.
  return {
    conId: contract.conId,
    currency: contract.currency,
    estimatedCommission: roundMoney(commissionBase / (rate || 1)),
    estimatedPrice: q.mid,
    estimatedValue: roundMoney(value),
    estimatedValueBase: roundMoney(value * rate),
    exchange: contract.exchange,
    leg,
    limitPrice: q.limit,
    orderType: "LMT",
    quantity,
    reason: `${need.direction === "buy" ? "buys" : "sells"} ${need.currency}: ${need.reason}; rate ${q.pair.name} ${q.mid} (bid/ask midpoint at ${quoteTime})`,
    secType: contract.secType,
    side: q.side,
    symbol: contract.symbol,
    timeInForce: "DAY",
  };
}

function applyToCash(plan: ConversionPlan, order: PlanOrder, pair: CurrencyPair, snapshot: Snapshot): void {
  const add = (currency: string, amount: number): void => {
    plan.cashDelta.set(currency, (plan.cashDelta.get(currency) ?? 0) + amount);
  };
  for (const [currency, amount] of conversionCashChange(order, order.estimatedPrice)) add(currency, amount);
  const commissionBase = order.estimatedCommission * (snapshot.exchangeRates[order.currency] ?? 1);
  add(snapshot.baseCurrency, -commissionBase);
  plan.commissionsBase += commissionBase;
}

function noPair(need: Need, amount: number, base: string, pair: CurrencyPair | undefined): PlanProblem {
  const what =
    need.direction === "buy"
      ? `buying ${need.currency} with ${base}`
      : `selling ${need.currency} for ${base}`;
  return {
    code: "no-fx-pair",
    document: "snapshot",
    field: "contracts",
    symbol: need.currency,
    message:
      pair === undefined
        ? `${what} needs the IDEALPRO pair of ${need.currency} and ${base}, which the snapshot does not have (${formatMoney(amount)} ${need.currency})`
        : `${what} needs a quote of ${pair.name}, which the snapshot does not have`,
    hint: "take the snapshot again with this folioctl (it reads the pairs fx.mode: convert needs), or set fx.mode: forbid and convert by hand",
  };
}
