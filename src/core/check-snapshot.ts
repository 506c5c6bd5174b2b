import { parseIsoTime } from "./iso-time.js";
import type { PlanProblem } from "./plan.js";
import type { Portfolio } from "./portfolio.js";
import type { Snapshot } from "./snapshot.js";

/**
 * Problems that make a snapshot unusable for this portfolio, all at once: another account or base
 * currency, a contract listed twice, a currency without an exchange rate, a time that is not a time.
 */
export function checkSnapshot(portfolio: Portfolio, snapshot: Snapshot): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (snapshot.account !== portfolio.account) {
    problems.push({
      code: "account-mismatch",
      document: "snapshot",
      field: "account",
      message: `the snapshot is of account ${snapshot.account}, but portfolio.yaml is for ${portfolio.account}`,
      hint: "plan with the snapshot of the account portfolio.yaml names, or fix `account` in portfolio.yaml",
    });
  }
  if (snapshot.baseCurrency !== portfolio.baseCurrency) {
    problems.push({
      code: "base-currency-mismatch",
      document: "snapshot",
      field: "baseCurrency",
      message: `the account's base currency is ${snapshot.baseCurrency}, but portfolio.yaml says ${portfolio.baseCurrency}`,
      hint: `set baseCurrency: ${snapshot.baseCurrency} in portfolio.yaml`,
    });
  }
  const baseRate = snapshot.exchangeRates[snapshot.baseCurrency];
  if (baseRate !== undefined && baseRate !== 1) {
    problems.push({
      code: "missing-exchange-rate",
      document: "snapshot",
      field: `exchangeRates.${snapshot.baseCurrency}`,
      message: `the base currency's exchange rate is ${baseRate}; it must be 1`,
    });
  }
  if (parseIsoTime(snapshot.asOf) === undefined) {
    problems.push({
      code: "invalid-time",
      document: "snapshot",
      field: "asOf",
      message: `asOf is not an ISO 8601 time: "${snapshot.asOf}"`,
    });
  }
  const valid = new Set<string>();
  snapshot.quotes.forEach((quote, i) => {
    if (valid.has(quote.time)) return;
    if (parseIsoTime(quote.time) !== undefined) valid.add(quote.time);
    else {
      problems.push({
        code: "invalid-time",
        document: "snapshot",
        field: `quotes[${i}].time`,
        conId: quote.conId,
        message: `the quote for conId ${quote.conId} has a time that is not ISO 8601: "${quote.time}"`,
      });
    }
  });
  for (const [list, items] of [
    ["positions", snapshot.positions],
    ["quotes", snapshot.quotes],
    ["contracts", snapshot.contracts],
  ] as const) {
    // A set, not a map to each first index: duplicates are rare, and their first entry is found then.
    const seen = new Set<number>();
    items.forEach((item, i) => {
      if (!seen.has(item.conId)) seen.add(item.conId);
      else {
        const first = items.findIndex((other) => other.conId === item.conId);
        problems.push({
          code: "duplicate-entry",
          document: "snapshot",
          field: `${list}[${i}]`,
          conId: item.conId,
          message: `conId ${item.conId} appears twice in ${list} (entries ${first} and ${i})`,
          hint: "a snapshot lists each contract once",
        });
      }
    });
  }
  const needed = new Set<string>();
  for (const [currency, amount] of Object.entries(snapshot.cash)) if (amount !== 0) needed.add(currency);
  for (const position of snapshot.positions) needed.add(position.currency);
  for (const target of portfolio.targets) needed.add(target.currency);
  for (const currency of [...needed].sort()) {
    const rate = snapshot.exchangeRates[currency];
    if (rate === undefined || !(rate > 0)) {
      problems.push({
        code: "missing-exchange-rate",
        document: "snapshot",
        field: `exchangeRates.${currency}`,
        message: `no exchange rate for ${currency}: the snapshot holds or targets ${currency} but cannot value it in ${snapshot.baseCurrency}`,
        hint: `add exchangeRates.${currency} (the ${snapshot.baseCurrency} value of one ${currency})`,
      });
    }
  }
  return problems;
}
