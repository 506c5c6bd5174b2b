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

function fmt(value: number | null, digits = 2): string {
  return value === null ? "-" : value.toFixed(digits);
}

function row(o: LedgerOrder): string[] {
  return [
    o.leg,
    o.side,
    o.symbol,
    String(o.plannedQuantity),
    String(o.filledQuantity),
    fmt(o.avgPrice, 4),
    fmt(o.estimatedPrice, 4),
    fmt(o.slippageBps, 1),
    `${fmt(o.commission)} ${o.currency}`,
    o.status,
  ];
}

const HEADER = [
  "leg",
  "side",
  "symbol",
  "planned",
  "filled",
  "avg price",
  "plan price",
  "slippage bps",
  "commission",
  "status",
];

function totalsLine(record: LedgerRecord): string {
  const t = record.totals;
  const base = record.baseCurrency;
  return (
    `${t.filled}/${t.legs} legs filled, ${t.partial} partial, ${t.unfilled} unfilled, ${t.rejected} rejected, ${t.notSent} not sent; ` +
    `bought ${t.boughtValue.toFixed(2)} ${base}, sold ${t.soldValue.toFixed(2)} ${base}, commissions ${t.commissions.toFixed(2)} ${base}`
  );
}

function driftLine(record: LedgerRecord): string {
  const d = record.drift;
  const after = d.after === null ? "not measured" : `${d.after.toFixed(2)}%`;
  return `drift: ${d.before.toFixed(2)}% before, ${d.planned.toFixed(2)}% planned, ${after} after`;
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
    const rows = [HEADER, ...record.orders.map(row)];
    const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    for (const r of rows)
      lines.push(
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd(),
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
    lines.push(`| ${HEADER.join(" | ")} |`, `| ${HEADER.map(() => "---").join(" | ")} |`);
    for (const o of record.orders) lines.push(`| ${row(o).join(" | ")} |`);
    lines.push("");
  }
  lines.push(totalsLine(record), "", driftLine(record));
  const notes = record.orders.flatMap((o) => o.notes.map((n) => `- ${o.leg} ${o.symbol}: ${n}`));
  if (notes.length > 0) lines.push("", "**Notes**", "", ...notes);
  if (record.error) lines.push("", `**Error:** ${record.error}`);
  return `${lines.join("\n")}\n`;
}
