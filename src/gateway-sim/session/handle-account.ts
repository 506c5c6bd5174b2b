// Account summary (with IB's $LEDGER tags) and positions.
import type { AccountValues, CurrencyLedger } from "../engine/valuation.js";
import { accountValues, availableFunds, buyingPower, excessLiquidity } from "../engine/valuation.js";
import { accountSummary, accountSummaryEnd, position, positionEnd } from "../messages/account-messages.js";
import { errorMessage } from "../messages/system-messages.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

/** Base-currency tags the simulator reports; margin figures follow the account type (valuation.ts). */
const SUMMARY_TAGS: Record<string, (v: AccountValues) => number> = {
  NetLiquidation: (v) => v.base.netLiquidation,
  TotalCashValue: (v) => v.base.cash,
  SettledCash: (v) => v.base.cash,
  AccruedCash: () => 0,
  BuyingPower: buyingPower,
  EquityWithLoanValue: (v) => v.base.netLiquidation,
  PreviousDayEquityWithLoanValue: (v) => v.base.netLiquidation,
  GrossPositionValue: (v) => v.grossPositionValue,
  AvailableFunds: availableFunds,
  ExcessLiquidity: excessLiquidity,
  InitMarginReq: (v) => v.initMargin,
  MaintMarginReq: (v) => v.maintMargin,
  FullInitMarginReq: (v) => v.initMargin,
  FullMaintMarginReq: (v) => v.maintMargin,
  FullAvailableFunds: availableFunds,
  FullExcessLiquidity: excessLiquidity,
  Cushion: (v) => (v.base.netLiquidation === 0 ? 0 : excessLiquidity(v) / v.base.netLiquidation),
  Leverage: (v) => (v.base.netLiquidation === 0 ? 0 : v.grossPositionValue / v.base.netLiquidation),
};

export function handleAccountSummary(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  tags: readonly string[],
): void {
  if (session.accountSummaries.has(reqId)) {
    return session.send(errorMessage(reqId, 322, "Error processing request: Duplicate ticker id"));
  }
  session.accountSummaries.add(reqId);
  for (const account of ctx.world.accounts.values()) {
    const values = accountValues(ctx.world, account);
    for (const row of summaryRows(values, tags)) {
      session.send(accountSummary(reqId, account.id, row.tag, row.value, row.currency));
    }
  }
  session.send(accountSummaryEnd(reqId));
}

export function handleCancelAccountSummary(session: ClientSession, reqId: number): void {
  session.accountSummaries.delete(reqId);
}

interface SummaryRow {
  tag: string;
  value: string;
  currency: string;
}

/** The rows for the requested tags, in the order asked. Unknown tags are skipped, as IB does. */
export function summaryRows(values: AccountValues, tags: readonly string[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const tag of tags) {
    if (tag === "AccountType") rows.push({ tag, value: "INDIVIDUAL", currency: "" });
    else if (tag in SUMMARY_TAGS) {
      const value = (SUMMARY_TAGS[tag] as (v: AccountValues) => number)(values);
      // Cushion is a fraction, not an amount: IB sends it with six decimals.
      const text = tag === "Cushion" ? value.toFixed(6) : money(value);
      rows.push({ tag, value: text, currency: values.baseCurrency });
    } else if (tag.startsWith("$LEDGER")) rows.push(...ledgerRows(values, tag));
  }
  return rows;
}

/** `$LEDGER`: the BASE totals; `$LEDGER:ALL`: every currency, then BASE; `$LEDGER:EUR`: one currency. */
function ledgerRows(values: AccountValues, tag: string): SummaryRow[] {
  const which = tag.slice("$LEDGER".length).replace(/^:/, "").toUpperCase();
  const base: CurrencyLedger = { ...values.base, currency: "BASE", exchangeRate: 1 };
  const ledgers =
    which === ""
      ? [base]
      : which === "ALL"
        ? [...values.ledgers, base]
        : values.ledgers.filter((l) => l.currency === which);
  return ledgers.flatMap((l) => {
    const row = (name: string, value: string): SummaryRow => ({ tag: name, value, currency: l.currency });
    return [
      row("Currency", l.currency),
      row("CashBalance", money(l.cash)),
      row("TotalCashBalance", money(l.cash)),
      row("AccruedCash", money(0)),
      row("StockMarketValue", money(l.stockMarketValue)),
      row("NetLiquidationByCurrency", money(l.netLiquidation)),
      row("UnrealizedPnL", money(l.unrealizedPnl)),
      row("RealizedPnL", money(l.realizedPnl)),
      row("ExchangeRate", rate(l.exchangeRate)),
    ];
  });
}

export function handleReqPositions(ctx: GatewayContext, session: ClientSession): void {
  session.positionsSubscribed = true;
  for (const account of ctx.world.accounts.values()) {
    for (const [conId, held] of account.positions) {
      const contract = ctx.world.contracts.get(conId);
      if (contract !== undefined) session.send(position(account.id, contract, held.quantity, held.avgCost));
    }
  }
  session.send(positionEnd());
}

export function handleCancelPositions(session: ClientSession): void {
  session.positionsSubscribed = false;
}

function money(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

function rate(value: number): string {
  return String(Number.parseFloat(value.toPrecision(10)));
}
