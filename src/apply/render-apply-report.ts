import {
  formatFixed,
  formatMoney,
  formatPercent,
  formatPrice,
  formatQuantity,
} from "../core/format-number.js";
import { textTable, type Align } from "../core/text-table.js";
import type { LedgerOrder, LedgerRecord } from "./ledger.js";
import { describeDifference } from "./refusal.js";

const HEADLINE: Record<LedgerRecord["outcome"], string> = {
  applied: "applied in full",
  "already-applied": "already applied: nothing was sent",
  partial: "partly applied",
  refused: "refused: nothing was sent",
  error: "failed",
};

/** The hidden first line of the pull request comment, so that it is found again and edited. */
export const APPLY_REPORT_MARKER = "<!-- folioctl:comment apply-report -->";

/** A partial run that sent nothing: earlier runs had sent every leg, and some did not fill. */
const ALREADY_ATTEMPTED =
  "already attempted: nothing was sent (an earlier run sent every leg; a fresh plan, with a new hash, is the way to retry)";

function alreadyAttempted(record: LedgerRecord): boolean {
  return (
    record.outcome === "partial" &&
    record.error === null &&
    record.orders.length > 0 &&
    record.orders.every((o) => o.resumed)
  );
}

function headline(record: LedgerRecord): string {
  const reason = record.refusal ? ` (${record.refusal.reason})` : "";
  const what = alreadyAttempted(record) ? ALREADY_ATTEMPTED : HEADLINE[record.outcome];
  return `Apply of plan ${record.planHash.slice(0, 12)} for ${record.account}: ${what}${reason}`;
}

/** The report's columns; numbers right-aligned, as in the plan. */
const COLUMNS: { title: string; align: Align; cell: (o: LedgerOrder) => string }[] = [
  { title: "LEG", align: "left", cell: (o) => o.leg },
  { title: "SIDE", align: "left", cell: (o) => o.side },
  { title: "SYMBOL", align: "left", cell: (o) => o.symbol },
  { title: "PLANNED", align: "right", cell: (o) => formatQuantity(o.plannedQuantity) },
  { title: "FILLED", align: "right", cell: (o) => formatQuantity(o.filledQuantity) },
  { title: "AVG PRICE", align: "right", cell: (o) => price(o.avgPrice) },
  { title: "PLAN PRICE", align: "right", cell: (o) => formatPrice(o.estimatedPrice) },
  { title: "SLIPPAGE BPS", align: "right", cell: (o) => slippage(o.slippageBps) },
  { title: "COMMISSION", align: "right", cell: (o) => formatMoney(o.commission) },
  { title: "CCY", align: "left", cell: (o) => o.currency },
  { title: "STATUS", align: "left", cell: (o) => o.status },
];

/** The sign convention, said once under the table: the column alone does not say which way is bad. */
const SLIPPAGE_NOTE =
  "slippage: the average fill price against the plan's price, in basis points; + is worse for the account (paid more, got less), - is better";

// The ledger keeps the fill average to 6 decimals; 4 show every tick IB prices in.
function price(value: number | null): string {
  return value === null ? "-" : formatPrice(Math.round(value * 1e4) / 1e4);
}

function slippage(bps: number | null): string {
  if (bps === null) return "-";
  // formatFixed writes no sign for what rounds to zero: only a visible positive move gets its +.
  const text = formatFixed(bps, 1);
  return bps > 0 && text !== "0.0" ? `+${text}` : text;
}

function totalsLine(record: LedgerRecord): string {
  const t = record.totals;
  const base = record.baseCurrency;
  return (
    `${t.filled}/${t.legs} legs filled, ${t.partial} partial, ${t.unfilled} unfilled, ${t.rejected} rejected, ${t.notSent} not sent; ` +
    `bought ${formatMoney(t.boughtValue)} ${base}, sold ${formatMoney(t.soldValue)} ${base}, commissions ${formatMoney(t.commissions)} ${base}`
  );
}

function driftLine(record: LedgerRecord): string {
  const d = record.drift;
  const after = d.after === null ? "not measured" : formatPercent(d.after);
  return `drift: ${formatPercent(d.before)} before, ${formatPercent(d.planned)} planned, ${after} after`;
}

/** Plain text for the terminal and CI logs: aligned columns, no colour. */
export function renderApplyText(record: LedgerRecord): string {
  const lines = [headline(record)];
  if (record.refusal) {
    lines.push(`  ${record.refusal.message}`);
    for (const d of record.refusal.differences) lines.push(`  - ${describeDifference(d)}`);
    lines.push(`  hint: ${record.refusal.hint}`);
    return `${lines.join("\n")}\n`;
  }
  if (record.orders.length > 0) {
    const rows = record.orders.map((o) => COLUMNS.map((c) => c.cell(o)));
    const header = COLUMNS.map((c) => c.title);
    lines.push(
      ...textTable(
        header,
        rows,
        COLUMNS.map((c) => c.align),
      ),
      SLIPPAGE_NOTE,
    );
  }
  lines.push(totalsLine(record), driftLine(record));
  for (const o of record.orders) for (const note of o.notes) lines.push(`note ${o.leg} ${o.symbol}: ${note}`);
  if (record.error) lines.push(`error: ${record.error}`);
  return `${lines.join("\n")}\n`;
}

/** Markdown for the comment on the merged pull request. */
export function renderApplyMarkdown(record: LedgerRecord): string {
  const lines = [APPLY_REPORT_MARKER, `### ${headline(record)}`, ""];
  if (record.refusal) {
    lines.push(record.refusal.message, "");
    for (const d of record.refusal.differences) lines.push(`- ${describeDifference(d)}`);
    lines.push("", `**What to do:** ${record.refusal.hint}`);
    return `${lines.join("\n")}\n`;
  }
  if (record.orders.length > 0) {
    const title = (c: (typeof COLUMNS)[number]): string => c.title.charAt(0) + c.title.slice(1).toLowerCase();
    lines.push(
      `| ${COLUMNS.map(title).join(" | ")} |`,
      `| ${COLUMNS.map((c) => (c.align === "right" ? "---:" : "---")).join(" | ")} |`,
    );
    for (const o of record.orders) lines.push(`| ${COLUMNS.map((c) => c.cell(o)).join(" | ")} |`);
    lines.push("", `<sub>${SLIPPAGE_NOTE}</sub>`, "");
  }
  lines.push(totalsLine(record), "", driftLine(record));
  const notes = record.orders.flatMap((o) => o.notes.map((n) => `- ${o.leg} ${o.symbol}: ${n}`));
  if (notes.length > 0) lines.push("", "**Notes**", "", ...notes);
  if (record.error) lines.push("", `**Error:** ${record.error}`);
  return `${lines.join("\n")}\n`;
}
