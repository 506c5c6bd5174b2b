import { EventName } from "@stoqey/ib";
import { BrokerError } from "../../errors.js";
import type { AccountValues } from "../broker.js";
import type { IbConnection } from "./ib-connection.js";

// $LEDGER:ALL gives CashBalance and ExchangeRate per currency plus a BASE row; NetLiquidation is
// asked for by name so that its currency tells the account's base currency.
const TAGS = "NetLiquidation,TotalCashValue,BuyingPower,$LEDGER:ALL";

interface SummaryRow {
  tag: string;
  value: string;
  currency: string;
}

/**
 * Cash per currency, exchange rates and net liquidation value of each account, from one account
 * summary of group All: IB sends every account of the login in it, whatever few are wanted.
 */
export async function readAccountsValues(
  conn: IbConnection,
  accounts: readonly string[],
): Promise<Map<string, AccountValues>> {
  const reqId = conn.allocateRequestId();
  const rowsOf = new Map<string, SummaryRow[]>(accounts.map((account) => [account, []]));
  const label = accounts.length === 1 ? `${accounts[0]}` : `${accounts.length} accounts`;
  await conn.request<true>({
    what: `the account summary of ${label}`,
    reqId,
    send: (api) => api.reqAccountSummary(reqId, "All", TAGS),
    listen: (done) => {
      const onRow = (id: number, acct: string, tag: string, value: string, currency: string) => {
        if (id === reqId) rowsOf.get(acct)?.push({ tag, value, currency });
      };
      const onEnd = (id: number) => {
        if (id === reqId) done(true);
      };
      conn.api.on(EventName.accountSummary, onRow);
      conn.api.on(EventName.accountSummaryEnd, onEnd);
      return () => {
        conn.api.off(EventName.accountSummary, onRow);
        conn.api.off(EventName.accountSummaryEnd, onEnd);
      };
    },
  });
  // The subscription stays open at IB until cancelled (and IB allows two); a failed cancel changes
  // nothing we read.
  await conn.send((api) => api.cancelAccountSummary(reqId)).catch(() => undefined);
  return new Map(
    accounts.map((account) => [account, accountValuesFromRows(account, rowsOf.get(account) ?? [])]),
  );
}

/**
 * The same figures of one account from reqAccountUpdatesMulti in its light form (ledgers and net
 * liquidation): what IB offers a login managing more than 50 accounts, which cannot ask for group All.
 */
export async function readAccountValuesByUpdates(
  conn: IbConnection,
  account: string,
): Promise<AccountValues> {
  const reqId = conn.allocateRequestId();
  const rows = await conn.request<SummaryRow[]>({
    what: `the account values of ${account}`,
    reqId,
    send: (api) => api.reqAccountUpdatesMulti(reqId, account, "", true),
    listen: (done) => {
      const found: SummaryRow[] = [];
      const onRow = (
        id: number,
        acct: string,
        _model: string,
        tag: string,
        value: string,
        currency: string,
      ) => {
        if (id === reqId && acct === account) found.push({ tag, value, currency });
      };
      // @stoqey/ib 1.6 reads this end message's request id as a string.
      const onEnd = (id: number | string) => {
        if (Number(id) === reqId) done(found);
      };
      conn.api.on(EventName.accountUpdateMulti, onRow);
      conn.api.on(EventName.accountUpdateMultiEnd, onEnd);
      return () => {
        conn.api.off(EventName.accountUpdateMulti, onRow);
        conn.api.off(EventName.accountUpdateMultiEnd, onEnd);
      };
    },
  });
  await conn.send((api) => api.cancelAccountUpdatesMulti(reqId)).catch(() => undefined);
  return accountValuesFromRows(account, rows);
}

function accountValuesFromRows(account: string, rows: SummaryRow[]): AccountValues {
  const netLiq = rows.find((r) => r.tag === "NetLiquidation");
  if (!netLiq) {
    throw new BrokerError(`IB Gateway returned no net liquidation value for account ${account}`, {
      hint: "Check that the account id is right and that the gateway is logged in to it.",
    });
  }
  const cash: Record<string, number> = {};
  const exchangeRates: Record<string, number> = { [netLiq.currency]: 1 };
  for (const row of rows) {
    if (row.currency === "BASE" || row.currency === "") continue;
    if (row.tag === "CashBalance") cash[row.currency] = Number(row.value);
    if (row.tag === "ExchangeRate") exchangeRates[row.currency] = Number(row.value);
  }
  cash[netLiq.currency] ??= 0;
  return {
    account,
    baseCurrency: netLiq.currency,
    cash,
    exchangeRates,
    netLiquidation: Number(netLiq.value),
  };
}
