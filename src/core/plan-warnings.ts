import { planWarning } from "./plan-warning.js";
import { formatMoney, formatQuantity } from "./format-number.js";
import type { PlanWarning, PlanWeight } from "./plan.js";
import type { Portfolio } from "./portfolio.js";
import type { Snapshot } from "./snapshot.js";
import type { ValuedHolding } from "./value-holdings.js";
import type { Line } from "./weight-rows.js";

/** Planned against a broker figure further off than this, the snapshot is probably inconsistent. */
const NET_LIQUIDATION_TOLERANCE = 0.01;
/** Holdings named one by one when they stay out of band. */
const OUT_OF_BAND_WARNINGS = 10;

export interface WarningContext {
  kept: ValuedHolding[];
  rows: PlanWeight[];
  lines: Line[];
  netLiquidation: number;
  managedValue: number;
}

/** What a reviewer should know about a plan that is not an error: positions left alone, what stays off. */
export function planWarnings(
  portfolio: Portfolio,
  snapshot: Snapshot,
  context: WarningContext,
): PlanWarning[] {
  const base = portfolio.baseCurrency;
  const { mode, unmanaged } = portfolio.trading;
  const warnings: PlanWarning[] = [];
  for (const holding of context.kept) {
    const share = ((holding.value / context.netLiquidation) * 100).toFixed(2);
    const what = `${holding.symbol} (conId ${holding.conId}): ${formatQuantity(holding.quantity)} shares, ${formatMoney(holding.value)} ${base} (${share}% of net liquidation), not in targets`;
    if (unmanaged === "warn") {
      warnings.push(
        planWarning(
          "unmanaged-position",
          `${what}; left alone and outside the weights (trading.unmanaged: warn)`,
          holding.symbol,
          holding.conId,
        ),
      );
    } else if (unmanaged === "sell") {
      const why =
        holding.quantity < 0
          ? "it is a short position, which folioctl never covers"
          : mode === "buy-only"
            ? "buy-only never sells"
            : "less than one increment, or worth less than minTradeValue";
      warnings.push(
        planWarning("unmanaged-not-sold", `${what}; not sold: ${why}`, holding.symbol, holding.conId),
      );
    }
  }
  for (const line of context.lines) {
    const remainder = line.holding.quantity + line.shares;
    if (line.holding.kind === "unmanaged" && line.shares < 0 && remainder > 0) {
      warnings.push(
        planWarning(
          "fractional-remainder",
          `${line.holding.symbol}: ${formatQuantity(remainder)} shares remain after selling whole increments of ${line.increment}`,
          line.holding.symbol,
          line.holding.conId,
        ),
      );
    }
  }
  const reported = snapshot.netLiquidation;
  if (
    Math.abs(context.netLiquidation - reported) >
    NET_LIQUIDATION_TOLERANCE * Math.max(1, Math.abs(reported))
  ) {
    warnings.push(
      planWarning(
        "net-liquidation-mismatch",
        `net liquidation at the plan's prices is ${formatMoney(context.netLiquidation)} ${base}, the broker reports ${formatMoney(reported)} ${base}: check prices and positions`,
      ),
    );
  }
  if (snapshot.openOrders.length > 0) {
    const list = snapshot.openOrders
      .slice(0, 5)
      .map((o) => `${o.side} ${formatQuantity(o.quantity - o.filled)} ${o.symbol}`)
      .join(", ");
    const more = snapshot.openOrders.length > 5 ? ", ..." : "";
    warnings.push(
      planWarning(
        "open-orders",
        `${snapshot.openOrders.length} open order(s) in the account (${list}${more}): the plan does not count them, and apply never touches orders it did not place`,
      ),
    );
  }
  // One warning per holding left out of band, largest deviations first; past a few, one line for the rest
  // (the weights table has them all).
  const off = context.rows.filter((row) => !row.inBandAfter);
  for (const row of firstSorted(off, OUT_OF_BAND_WARNINGS, byDeviation)) {
    const where = `${row.after.toFixed(2)}% vs target ${row.target.toFixed(2)}% ±${row.band.toFixed(2)}`;
    const line = row.conId === undefined ? undefined : lineOf(context.lines, row.conId);
    const why = whyOff(portfolio, row, line, context.managedValue);
    const name = row.kind === "cash" ? "cash" : row.symbol;
    warnings.push(
      planWarning(
        "out-of-band-after",
        `${name} stays out of band after this plan (${where}): ${why}`,
        row.symbol,
        row.conId,
      ),
    );
  }
  if (off.length > OUT_OF_BAND_WARNINGS) {
    const more = off.length - OUT_OF_BAND_WARNINGS;
    warnings.push(
      planWarning(
        "out-of-band-after",
        `${more} more holding(s) stay out of band after this plan; the weights table lists them (in band: no)`,
      ),
    );
  }
  return warnings;
}

const byDeviation = (a: PlanWeight, b: PlanWeight): number =>
  Math.abs(b.after - b.target) - Math.abs(a.after - a.target) || (a.conId ?? 0) - (b.conId ?? 0);

/**
 * The first `count` items of items.sort(compare), without sorting them all: with bands at zero every
 * one of 10,000 holdings may stay out of band, and only ten are named. Equal items keep their order, as
 * the sort (stable) keeps it.
 */
function firstSorted<T>(items: T[], count: number, compare: (a: T, b: T) => number): T[] {
  const first: T[] = [];
  for (const item of items) {
    if (first.length === count && compare(item, first[count - 1] as T) >= 0) continue;
    let at = first.length;
    while (at > 0 && compare(item, first[at - 1] as T) < 0) at--;
    first.splice(at, 0, item);
    if (first.length > count) first.pop();
  }
  return first;
}

/**
 * The line of a holding, looked up for the few warnings named one by one rather than through a map of
 * every line (10,000 at 10,000 targets). The last one, as a map built from the lines would give.
 */
function lineOf(lines: Line[], conId: number): Line | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if ((lines[i] as Line).holding.conId === conId) return lines[i];
  return undefined;
}

function whyOff(portfolio: Portfolio, row: PlanWeight, line: Line | undefined, managedValue: number): string {
  const { mode } = portfolio.trading;
  const over = row.after > row.target;
  if (mode === "buy-only" && over) return "buy-only never sells";
  if (mode === "sell-only" && !over) return "sell-only never buys";
  if (row.band === 0) return "a band of 0 cannot be met in whole shares";
  if (line?.holding.price !== undefined) {
    const share = ((line.increment * line.holding.price * line.holding.fx) / managedValue) * 100;
    if (share > 2 * row.band)
      return `one share is ${share.toFixed(2)}% of the portfolio, wider than the band`;
  }
  return "no whole-share plan within cash.minimum, minTradeValue and commissions comes closer";
}
