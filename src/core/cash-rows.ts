import type { Plan } from "./plan.js";

export interface CashRow {
  currency: string;
  before: number;
  after: number;
}

/**
 * Cash per currency before the plan (the snapshot's balances) and after it (every order at its
 * estimated price and commission), currencies in alphabetical order; with more than one currency, a
 * last row with the total in the base currency, which is what `cash.minimum` is held against.
 */
export function cashRows(plan: Plan): { rows: CashRow[]; total?: CashRow } {
  const before = plan.snapshot.cash;
  const currencies = [...new Set([...Object.keys(before), ...Object.keys(plan.cashAfter)])].sort();
  const rows = currencies.map((currency) => ({
    currency,
    before: before[currency] ?? 0,
    after: plan.cashAfter[currency] ?? 0,
  }));
  if (rows.length < 2) return { rows };
  const rate = (currency: string): number => plan.snapshot.exchangeRates[currency] ?? 0;
  const sum = (pick: (row: CashRow) => number): number =>
    rows.reduce((total, row) => total + pick(row) * rate(row.currency), 0);
  return {
    rows,
    total: { currency: plan.baseCurrency, before: sum((r) => r.before), after: sum((r) => r.after) },
  };
}
