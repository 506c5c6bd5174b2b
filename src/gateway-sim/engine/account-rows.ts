// The (tag, value, currency) rows IB reports about an account, shared by the account summary, account
// updates and account updates multi, so that every request reports the same figures in the same form.
import type { AccountValues, CurrencyLedger } from "./valuation.js";
import { availableFunds, buyingPower, excessLiquidity } from "./valuation.js";

export interface AccountRow {
  tag: string;
  value: string;
  /** The base currency for amounts, a currency or "BASE" for ledger rows, "" for text. */
  currency: string;
}

/** Base-currency amounts; margin figures follow the account type (valuation.ts). */
const AMOUNT_TAGS: Record<string, (v: AccountValues) => number> = {
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

/** The account summary's rows for the requested tags, in the order asked; unknown tags are skipped, as IB does. */
export function summaryRows(values: AccountValues, tags: readonly string[]): AccountRow[] {
  const rows: AccountRow[] = [];
  for (const tag of tags) {
    if (tag === "AccountType") rows.push({ tag, value: "INDIVIDUAL", currency: "" });
    else if (tag in AMOUNT_TAGS) rows.push(amountRow(values, tag));
    else if (tag.startsWith("$LEDGER")) rows.push(...ledgerRows(values, tag));
  }
  return rows;
}

/** The amounts reqAccountUpdates sends (IB's account window keys, without the -C/-S segment twins). */
const UPDATE_TAGS = [
  "AccruedCash",
  "AvailableFunds",
  "BuyingPower",
  "Cushion",
  "EquityWithLoanValue",
  "ExcessLiquidity",
  "FullAvailableFunds",
  "FullExcessLiquidity",
  "FullInitMarginReq",
  "FullMaintMarginReq",
  "GrossPositionValue",
  "InitMarginReq",
  "MaintMarginReq",
  "NetLiquidation",
  "PreviousDayEquityWithLoanValue",
  "TotalCashValue",
];

/**
 * What reqAccountUpdates and reqAccountUpdatesMulti send: the account's identity, its amounts, then a
 * ledger per currency and the BASE ledger. `ledgerAndNlv` (a multi request's light form) keeps only
 * the ledgers and the net liquidation value.
 */
export function accountUpdateRows(
  values: AccountValues,
  options: { ledgerAndNlv?: boolean } = {},
): AccountRow[] {
  const ledgers = ledgerRows(values, "$LEDGER:ALL");
  if (options.ledgerAndNlv === true) return [amountRow(values, "NetLiquidation"), ...ledgers];
  return [
    { tag: "AccountCode", value: values.account, currency: "" },
    { tag: "AccountReady", value: "true", currency: "" },
    { tag: "AccountType", value: "INDIVIDUAL", currency: "" },
    ...UPDATE_TAGS.map((tag) => amountRow(values, tag)),
    ...ledgers,
  ];
}

function amountRow(values: AccountValues, tag: string): AccountRow {
  const value = (AMOUNT_TAGS[tag] as (v: AccountValues) => number)(values);
  // Cushion is a fraction, not an amount: IB sends it with six decimals.
  const text = tag === "Cushion" ? value.toFixed(6) : money(value);
  return { tag, value: text, currency: values.baseCurrency };
}

/** `$LEDGER`: the BASE totals; `$LEDGER:ALL`: every currency, then BASE; `$LEDGER:EUR`: one currency. */
function ledgerRows(values: AccountValues, tag: string): AccountRow[] {
  const which = tag.slice("$LEDGER".length).replace(/^:/, "").toUpperCase();
  const base: CurrencyLedger = { ...values.base, currency: "BASE", exchangeRate: 1 };
  const ledgers =
    which === ""
      ? [base]
      : which === "ALL"
        ? [...values.ledgers, base]
        : values.ledgers.filter((l) => l.currency === which);
  return ledgers.flatMap((l) => {
    const row = (name: string, value: string): AccountRow => ({ tag: name, value, currency: l.currency });
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

export function money(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

function rate(value: number): string {
  return String(Number.parseFloat(value.toPrecision(10)));
}
