import { formatFixed, formatMoney, formatPercent, formatPrice, formatQuantity } from "./format-number.js";
import type { Plan, PlanWeight } from "./plan.js";
import { planSummary } from "./plan-summary.js";
import { textTable, type Cell } from "./text-table.js";

export interface TextOptions {
  /** ANSI colours: the caller decides (a terminal, and NO_COLOR unset). */
  color: boolean;
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
  out.push(style(`Plan for ${plan.account}: ${planSummary(plan)}`, bold), "");
  if (plan.orders.length > 0) {
    out.push(style("Orders", bold));
    const rows = plan.orders.map((o): (string | Cell)[] => [
      o.leg,
      { text: o.side, style: o.side === "BUY" ? green : red },
      formatQuantity(o.quantity),
      o.symbol,
      o.orderType,
      o.limitPrice === undefined ? "" : formatPrice(o.limitPrice),
      formatPrice(o.estimatedPrice),
      formatMoney(o.estimatedValue),
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
      "EST. VALUE",
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
        : `${word(w.inBandBefore)} -> ${word(w.inBandAfter)}`;
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
  if (plan.warnings.length > 0) {
    out.push(style("Warnings", bold));
    for (const warning of plan.warnings) out.push(`  ${style("!", yellow)} ${warning.message}`);
    out.push("");
  }
  out.push(`plan ${plan.hash.slice(0, 12)}, made ${plan.createdAt}, expires ${plan.expiresAt}`);
  return out.join("\n") + "\n";
}
