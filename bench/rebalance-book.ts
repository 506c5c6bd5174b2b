// The benchmark's own reading of a generated account and its own rulers for a plan, written from the
// README's statement of the policy ("How folioctl plans") and not from the planner's code, so that the
// planner and the MILPs are measured with the same, independent arithmetic. sizeIncrement 1 and last
// prices, as generate-portfolios.ts makes them; one currency, or (multi-currency.ts) every value in the
// base currency at the snapshot's rates, with each line's currency and the cash held in each.
import type { GeneratedCase } from "./generate-portfolios.js";

export interface BookLine {
  conId: number;
  price: number;
  held: number;
  /** Fraction; 0 for a position outside the targets. */
  weight: number;
  target: boolean;
  /** Out of band before trading. */
  outOfBand: boolean;
  /** Half-width of the band, as a fraction of the account. */
  band: number;
  /** The line's currency, when the book has several (book.currencies). */
  currency?: string;
  /** Base-currency value of one unit of the line's currency: commissions are charged in it (default 1). */
  rate?: number;
}

/** An account holding several currencies: conversions between them are part of a plan. */
export interface BookCurrencies {
  base: string;
  /** Cash held in each currency, valued in the base currency. */
  cash: Record<string, number>;
  /** Base-currency value of one USD: IB's conversion commission is at least 2 USD. */
  usdRate: number;
}

export interface Book {
  lines: BookLine[];
  /** Positions outside the targets that the plan sells whole, index into lines. */
  forced: number[];
  /** Cash before trading. */
  cash: number;
  cashWeight: number;
  cashBand: number;
  cashFloor: number;
  /** Targets, cash and the positions sold: what weights are percent of before trading. */
  managed: number;
  mode: "full" | "buy-only" | "sell-only";
  rebalanceTo: "target" | "band-edge";
  minTradeValue: number;
  commission: { perShare: number; minimum: number; maximumPercent: number };
  currencies?: BookCurrencies;
}

export function readBook({ portfolio, snapshot }: GeneratedCase): Book {
  const price = new Map(snapshot.quotes.map((q) => [q.conId, q.last ?? 0]));
  const held = new Map(snapshot.positions.map((p) => [p.conId, p.quantity]));
  const { bands, trading } = portfolio;
  const band = (w: number): number => Math.min(bands.absolute / 100, (bands.relative / 100) * w);
  const lines: BookLine[] = portfolio.targets.map((t) => ({
    conId: t.conId as number,
    price: price.get(t.conId as number) ?? 0,
    held: held.get(t.conId as number) ?? 0,
    weight: t.weight / 100,
    target: true,
    outOfBand: false,
    band: band(t.weight / 100),
  }));
  const forced: number[] = [];
  const targetIds = new Set(lines.map((l) => l.conId));
  const sells = trading.unmanaged === "sell" && trading.mode !== "buy-only";
  for (const p of snapshot.positions) {
    if (targetIds.has(p.conId)) continue;
    const value = p.quantity * (price.get(p.conId) ?? 0);
    if (!sells || !(p.quantity > 0) || value < trading.minTradeValue) continue;
    forced.push(lines.length);
    lines.push({
      ...{ conId: p.conId, price: price.get(p.conId) ?? 0, held: p.quantity },
      weight: 0,
      target: false,
      outOfBand: true,
      band: 0,
    });
  }
  const cash = snapshot.cash["USD"] ?? 0;
  const managed = lines.reduce((sum, l) => sum + l.held * l.price, 0) + cash;
  for (const line of lines) {
    if (line.target)
      line.outOfBand = Math.abs((line.held * line.price) / managed - line.weight) > line.band + 1e-12;
  }
  return {
    lines,
    forced,
    cash,
    cashWeight: portfolio.cash.weight / 100,
    cashBand: band(portfolio.cash.weight / 100),
    cashFloor: portfolio.cash.minimum,
    managed,
    mode: trading.mode,
    rebalanceTo: trading.rebalanceTo,
    minTradeValue: trading.minTradeValue,
    commission: trading.commission,
  };
}

/**
 * IB fixed pricing as the README states it: per share, at least the minimum, at most a percentage, in
 * the line's own currency; returned in the base currency.
 */
export function commissionOf(book: Book, shares: number, price: number, rate = 1): number {
  const q = Math.abs(shares);
  if (q === 0) return 0;
  const { perShare, minimum, maximumPercent } = lineCommission(book, rate);
  return Math.min(Math.max(minimum, perShare * q), (maximumPercent / 100) * q * price);
}

/** The commission schedule in base-currency units for a line whose currency is worth `rate`. */
export function lineCommission(book: Book, rate = 1): Book["commission"] {
  const { perShare, minimum, maximumPercent } = book.commission;
  return { perShare: perShare * rate, minimum: minimum * rate, maximumPercent };
}

/** IB's conversion commission, as the README states it: 0.2 bps of the value, at least 2 USD (base units). */
export function conversionCommission(book: Book, valueBase: number): number {
  if (!(valueBase > 0)) return 0;
  return Math.max(0.00002 * valueBase, 2 * (book.currencies?.usdRate ?? 1));
}

/** Cash after the forced sales of positions outside the targets, and their commissions. */
export function afterForcedSales(book: Book): { cash: number; fees: number } {
  let cash = book.cash;
  let fees = 0;
  for (const i of book.forced) {
    const line = book.lines[i] as BookLine;
    const fee = commissionOf(book, line.held, line.price, line.rate);
    fees += fee;
    cash += line.held * line.price - fee;
  }
  return { cash, fees };
}

/**
 * The policy's view of one asset (a target or cash), in value over the base the targets are over.
 * `cost(after)` is what the README's objective charges for ending at `after`, plus the asset's distance
 * to its target before trading, so that it is never negative and equals |before - target| untouched:
 * toward the target, -1 per unit while the asset is out of band (to the target, or with band-edge to
 * the first whole increment inside the band), then `room` per unit to the target (1/2 for holdings,
 * 0 for cash), then +1 per unit past it; +1 per unit away from it.
 */
export interface AssetPolicy {
  before: number;
  target: number;
  direction: 1 | -1 | 0;
  /** |target - before| */
  gap: number;
  /** Value toward the target that earns 1 per unit. */
  gain: number;
  room: number;
}

export function assetPolicy(
  book: Book,
  before: number,
  target: number,
  band: number,
  outOfBand: boolean,
  room: number,
  unit: number,
): AssetPolicy {
  const diff = target - before;
  const direction = diff > 0 ? 1 : diff < 0 ? -1 : 0;
  const gap = Math.abs(diff);
  let gain = 0;
  if (outOfBand) {
    if (book.rebalanceTo === "target") gain = gap;
    else {
      const outside = Math.max(0, gap - band);
      gain = Math.min(gap, unit > 0 ? Math.ceil(outside / unit - 1e-9) * unit : outside);
    }
  }
  return { before, target, direction, gap, gain, room };
}

export function policyCost(asset: AssetPolicy, after: number): number {
  const moved = after - asset.before;
  if (asset.direction === 0) return Math.abs(moved);
  const s = asset.direction * moved;
  if (s <= asset.gain) return asset.gap - s;
  if (s <= asset.gap) return asset.gap - asset.gain + asset.room * (s - asset.gain);
  return asset.gap - asset.gain + asset.room * (asset.gap - asset.gain) + (s - asset.gap);
}

/** The policy's assets for a base (what the targets are over: the managed value less commissions). */
export function policyAssets(
  book: Book,
  base: number,
): { holdings: (AssetPolicy | undefined)[]; cash: AssetPolicy } {
  const holdings = book.lines.map((line) =>
    line.target
      ? assetPolicy(
          book,
          line.held * line.price,
          line.weight * base,
          line.band * base,
          line.outOfBand,
          0.5,
          line.price,
        )
      : undefined,
  );
  const cashBefore = afterForcedSales(book).cash;
  const cashOut = Math.abs(cashBefore / book.managed - book.cashWeight) > book.cashBand + 1e-12;
  const cash = assetPolicy(book, cashBefore, book.cashWeight * base, book.cashBand * base, cashOut, 0, 0);
  return { holdings, cash };
}

/**
 * Shares, commissions, and the value left after them, for a plan given as shares per line and the
 * commissions of its conversions (a conversion only moves value between currencies: its commission is
 * what it costs).
 */
export function planTotals(
  book: Book,
  shares: number[],
  fxFees = 0,
): { fees: number; cashAfter: number; base: number } {
  let fees = fxFees;
  let cashAfter = book.cash - fxFees;
  book.lines.forEach((line, i) => {
    const k = shares[i] ?? 0;
    const fee = commissionOf(book, k, line.price, line.rate);
    fees += fee;
    cashAfter -= k * line.price + fee;
  });
  return { fees, cashAfter, base: book.managed - fees };
}

/**
 * The README's objective for a plan, in units of twice the drift: policy cost of every target and of
 * cash, plus twice the commissions (D plus commissions, doubled).
 */
export function policyObjective(book: Book, shares: number[], fxFees = 0): number {
  const { fees, cashAfter, base } = planTotals(book, shares, fxFees);
  const { holdings, cash } = policyAssets(book, base);
  let total = 2 * fees + policyCost(cash, cashAfter);
  holdings.forEach((asset, i) => {
    const line = book.lines[i] as BookLine;
    if (asset !== undefined) total += policyCost(asset, (line.held + (shares[i] ?? 0)) * line.price);
  });
  return total;
}

/** Drift (half the sum of |weight - target| over the managed lines and cash, as a fraction) after a plan. */
export function driftAfter(book: Book, shares: number[], fxFees = 0): number {
  const { cashAfter, base } = planTotals(book, shares, fxFees);
  let sum = Math.abs(cashAfter / base - book.cashWeight);
  // Positions sold whole are at a 0% target.
  book.lines.forEach((line, i) => {
    sum += Math.abs(((line.held + (shares[i] ?? 0)) * line.price) / base - line.weight);
  });
  return sum / 2;
}

/** The unrestricted objective: drift in value (half the sum of |after - target|) plus commissions. */
export function unrestrictedObjective(book: Book, shares: number[]): number {
  const { fees, base } = planTotals(book, shares);
  return driftAfter(book, shares) * base + fees;
}

/** Value traded in targets. */
export function turnover(book: Book, shares: number[]): number {
  return book.lines.reduce((sum, line, i) => sum + Math.abs(shares[i] ?? 0) * line.price, 0);
}

/** Shares a plan trades per line of the book (buys positive). */
export function bookShares(
  book: Book,
  orders: { conId: number; side: string; quantity: number }[],
): number[] {
  const delta = new Map(orders.map((o) => [o.conId, o.side === "BUY" ? o.quantity : -o.quantity]));
  return book.lines.map((line) => delta.get(line.conId) ?? 0);
}
