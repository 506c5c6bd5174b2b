import { cashRows } from "./cash-rows.js";
import { formatFixed, formatMoney, formatPercent, formatPrice, formatQuantity } from "./format-number.js";
import type { Plan, PlanOrder, PlanWeight } from "./plan.js";
import { DRIFT_DEFINITION, orderInstrument, planSummary } from "./plan-summary.js";
import { quoteSources, type QuoteSource } from "./quote-source.js";

/** GitHub refuses pull request bodies and comments longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;
/** More bars than this make the chart unreadable: the largest deviations are charted. */
const CHART_BARS = 20;
const TABLE_STEPS = [Infinity, 500, 200, 100, 50, 20, 10, 0];

export interface MarkdownOptions {
  /** Where the full plan is, for the note when the tables are cut short. */
  planFile?: string;
  maxLength?: number;
  /** portfolio.yaml's `cash.minimum` (base currency), shown with the cash: the plan does not carry it. */
  cashMinimum?: number;
}

/**
 * The plan as a pull request body: a hidden header with account and hash (how a plan is found and
 * checked again), a summary line, the orders, the weights, a chart of current against target weights,
 * and the warnings. Past GitHub's limit the tables keep their largest rows and say where the rest is.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? GITHUB_BODY_LIMIT;
  let text = "";
  for (const rows of TABLE_STEPS) {
    text = render(plan, rows, options.planFile ?? "the plan file", options.cashMinimum);
    if (text.length < limit) return text;
  }
  return (
    text.slice(0, limit - 200) +
    `\n\n…cut at ${limit} characters; the full plan is in ${options.planFile ?? "the plan file"}.\n`
  );
}

function render(plan: Plan, maxRows: number, planFile: string, cashMinimum: number | undefined): string {
  const out: string[] = [];
  out.push(`<!-- folioctl:plan ${JSON.stringify({ account: plan.account, hash: plan.hash })} -->`);
  out.push(`### folioctl plan for ${plan.account}`, "");
  out.push(`**${planSummary(plan)}**`, "", `<sub>${escape(DRIFT_DEFINITION)}</sub>`, "");
  if (plan.orders.length > 0) {
    const shown = largest(plan.orders, maxRows, (o) => o.estimatedValueBase);
    const sources = quoteSources(plan);
    out.push(
      "| Leg | Side | Quantity | Symbol | Type | Limit | Est. price | Price source | Quoted at | Est. value | Est. commission | Reason |",
    );
    out.push("| --- | --- | ---: | --- | --- | ---: | ---: | --- | --- | ---: | ---: | --- |");
    for (const order of shown) out.push(orderRow(order, sources.get(order.conId)));
    if (shown.length < plan.orders.length) {
      out.push(
        "",
        `Showing the ${shown.length} largest of ${plan.orders.length} orders; all of them are in ${planFile}.`,
      );
    }
    out.push("");
  }
  out.push("#### Weights", "");
  const weights = largest(plan.weights, maxRows, (w) =>
    w.kind === "cash" ? Infinity : Math.abs(w.before - w.target),
  );
  out.push("| Holding | Before | Target | After | Band | In band |");
  out.push("| --- | ---: | ---: | ---: | ---: | :---: |");
  for (const weight of weights) out.push(weightRow(weight));
  if (weights.length < plan.weights.length) {
    out.push(
      "",
      `Showing the ${weights.length} largest deviations of ${plan.weights.length} rows; all of them are in ${planFile}.`,
    );
  }
  out.push("", ...chart(plan), "", ...cashTable(plan, cashMinimum), "");
  if (plan.warnings.length > 0) {
    out.push("#### Warnings", "");
    const shown = maxRows === Infinity ? plan.warnings : plan.warnings.slice(0, Math.max(maxRows, 10));
    for (const warning of shown) out.push(`- ${escape(warning.message)}`);
    if (shown.length < plan.warnings.length)
      out.push(`- …and ${plan.warnings.length - shown.length} more in ${planFile}`);
    out.push("");
  }
  out.push(
    `<sub>plan \`${plan.hash.slice(0, 12)}\` · made ${plan.createdAt} · expires ${plan.expiresAt} · ` +
      `portfolio \`${plan.portfolioHash.slice(0, 12)}\` · folioctl ${plan.toolVersion}</sub>`,
  );
  return out.join("\n") + "\n";
}

function orderRow(order: PlanOrder, source: QuoteSource | undefined): string {
  const limit = order.limitPrice === undefined ? "" : formatPrice(order.limitPrice);
  return `| ${[
    order.leg,
    order.side,
    formatQuantity(order.quantity),
    escape(orderInstrument(order)),
    order.orderType,
    limit,
    formatPrice(order.estimatedPrice),
    source?.source ?? "",
    source?.time ?? "",
    `${formatMoney(order.estimatedValue)} ${order.currency}`,
    `${formatMoney(order.estimatedCommission)} ${order.currency}`,
    escape(order.reason),
  ].join(" | ")} |`;
}

function weightRow(weight: PlanWeight): string {
  const mark = (inBand: boolean): string => (inBand ? "✅" : "⚠️");
  const inBand =
    weight.inBandBefore === weight.inBandAfter
      ? mark(weight.inBandAfter)
      : `${mark(weight.inBandBefore)} → ${mark(weight.inBandAfter)}`;
  const name = weight.kind === "cash" ? "Cash" : escape(weight.symbol);
  return `| ${[
    name,
    formatPercent(weight.before),
    formatPercent(weight.target),
    formatPercent(weight.after),
    `±${formatFixed(weight.band, 2)}`,
    inBand,
  ].join(" | ")} |`;
}

/** Cash per currency before and after the orders, and the floor the orders keep above. */
function cashTable(plan: Plan, minimum: number | undefined): string[] {
  const base = plan.baseCurrency;
  const { rows, total } = cashRows(plan);
  const out = ["#### Cash", ""];
  if (minimum !== undefined) {
    out.push(
      `\`cash.minimum\`: ${formatMoney(minimum)} ${base}, which the orders keep total cash above.`,
      "",
    );
  }
  out.push("| Currency | Before | After |", "| --- | ---: | ---: |");
  for (const r of rows) out.push(`| ${r.currency} | ${formatMoney(r.before)} | ${formatMoney(r.after)} |`);
  if (total) out.push(`| total in ${base} | ${formatMoney(total.before)} | ${formatMoney(total.after)} |`);
  return out;
}

/** A mermaid bar chart of current weights with the targets as a line over them. */
function chart(plan: Plan): string[] {
  const rows = largest(plan.weights, CHART_BARS, (w) =>
    w.kind === "cash" ? Infinity : Math.abs(w.before - w.target),
  );
  const labels = rows.map((w) => JSON.stringify(w.kind === "cash" ? "Cash" : w.symbol)).join(", ");
  const top = Math.max(5, Math.ceil(Math.max(...rows.map((w) => Math.max(w.before, w.target))) / 5) * 5);
  const values = (pick: (w: PlanWeight) => number): string =>
    rows.map((w) => formatFixed(pick(w), 2).replace(/,/g, "")).join(", ");
  const title =
    rows.length < plan.weights.length
      ? "Largest deviations: current (bars) and target (line), %"
      : "Current (bars) and target (line) weights, %";
  return [
    "```mermaid",
    "xychart-beta",
    `    title "${title}"`,
    `    x-axis [${labels}]`,
    `    y-axis "weight (%)" 0 --> ${top}`,
    `    bar [${values((w) => w.before)}]`,
    `    line [${values((w) => w.target)}]`,
    "```",
  ];
}

/** The `count` rows with the largest `size`, in their original order. */
function largest<T>(rows: T[], count: number, size: (row: T) => number): T[] {
  if (rows.length <= count) return rows;
  const keep = new Set(
    rows
      .map((row, i) => ({ i, size: size(row) }))
      .sort((a, b) => b.size - a.size || a.i - b.i)
      .slice(0, count)
      .map((r) => r.i),
  );
  return rows.filter((_, i) => keep.has(i));
}

function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/</g, "&lt;");
}
