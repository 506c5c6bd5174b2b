import { cashRows } from "./cash-rows.js";
import { formatFixed, formatMoney, formatPercent, formatPrice, formatQuantity } from "./format-number.js";
import type { Plan, PlanWeight } from "./plan.js";
import { DRIFT_DEFINITION, orderInstrument, planSummary } from "./plan-summary.js";
import { quoteSources } from "./quote-source.js";
import { textTable, type Cell } from "./text-table.js";

export interface TextOptions {
  /** ANSI colours: the caller decides (a terminal, and NO_COLOR unset). */
  color: boolean;
  /** portfolio.yaml's `cash.minimum` (base currency), shown next to the cash: the plan does not carry it. */
  cashMinimum?: number;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;

/** The plan for a terminal: the summary, aligned orders and weights tables, warnings, hash and expiry. */
export function renderText(plan: Plan, options: TextOptions): string {
  const paint = (code: number) => (options.color ? ansi(code) : undefined);
  const bold = paint(1);
  const red = paint(31);
  const green = paint(32);
  const yellow = paint(33);
  const style = (text: string, s: ((t: string) => string) | undefined): string => (s ? s(text) : text);

  const out: string[] = [];
  out.push(style(`Plan for ${plan.account}: ${planSummary(plan)}`, bold), DRIFT_DEFINITION, "");
  if (plan.orders.length > 0) {
    out.push(style("Orders", bold));
    const sources = quoteSources(plan);
    const rows = plan.orders.map((o): (string | Cell)[] => [
      o.leg,
      { text: o.side, style: o.side === "BUY" ? green : red },
      formatQuantity(o.quantity),
      orderInstrument(o),
      o.orderType,
      o.limitPrice === undefined ? "" : formatPrice(o.limitPrice),
      formatPrice(o.estimatedPrice),
      sources.get(o.conId)?.source ?? "",
      sources.get(o.conId)?.time ?? "",
      formatMoney(o.estimatedValue),
      formatMoney(o.estimatedCommission),
      o.currency,
      o.reason,
    ]);
    const header = [
      "LEG",
      "SIDE",
      "QUANTITY",
      "SYMBOL",
      "TYPE",
      "LIMIT",
      "EST. PRICE",
      "PRICE SOURCE",
      "QUOTED AT",
      "EST. VALUE",
      "EST. COMMISSION",
      "CCY",
      "REASON",
    ];
    const align = [
      "left",
      "left",
      "right",
      "left",
      "left",
      "right",
      "right",
      "left",
      "left",
      "right",
      "right",
      "left",
      "left",
    ] as const;
    out.push(...textTable(header, rows, [...align]).map((line) => `  ${line}`), "");
  }
  out.push(style(`Weights (% of ${formatMoney(plan.managedValue)} ${plan.baseCurrency} managed)`, bold));
  const inBand = (w: PlanWeight): Cell => {
    const word = (b: boolean): string => (b ? "yes" : "no");
    const text =
      w.inBandBefore === w.inBandAfter
        ? word(w.inBandAfter)
        : `${word(w.inBandBefore)} → ${word(w.inBandAfter)}`;
    return { text, style: w.inBandAfter ? undefined : yellow };
  };
  const weightRows = plan.weights.map((w): (string | Cell)[] => [
    w.kind === "cash" ? "Cash" : w.symbol,
    formatPercent(w.before),
    formatPercent(w.target),
    formatPercent(w.after),
    `±${formatFixed(w.band, 2)}`,
    inBand(w),
  ]);
  out.push(
    ...textTable(["HOLDING", "BEFORE", "TARGET", "AFTER", "BAND", "IN BAND"], weightRows, [
      "left",
      "right",
      "right",
      "right",
      "right",
      "left",
    ]).map((line) => `  ${line}`),
    "",
  );
  out.push(...cashSection(plan, options.cashMinimum, bold), "");
  if (plan.warnings.length > 0) {
    out.push(style("Warnings", bold));
    for (const warning of plan.warnings) out.push(`  ${style("!", yellow)} ${warning.message}`);
    out.push("");
  }
  out.push(`plan ${plan.hash.slice(0, 12)}, made ${plan.createdAt}, expires ${plan.expiresAt}`);
  return out.join("\n") + "\n";
}

/** Cash per currency before and after the orders, and the floor the orders keep above. */
function cashSection(
  plan: Plan,
  minimum: number | undefined,
  bold: ((t: string) => string) | undefined,
): string[] {
  const base = plan.baseCurrency;
  const floor = minimum === undefined ? "" : ` (cash.minimum ${formatMoney(minimum)} ${base})`;
  const title = `Cash${floor}`;
  const { rows, total } = cashRows(plan);
  const lines = rows.map((r) => [r.currency, formatMoney(r.before), formatMoney(r.after)]);
  if (total) lines.push([`total in ${base}`, formatMoney(total.before), formatMoney(total.after)]);
  const table = textTable(["CCY", "BEFORE", "AFTER"], lines, ["left", "right", "right"]);
  return [bold ? bold(title) : title, ...table.map((line) => `  ${line}`)];
}
