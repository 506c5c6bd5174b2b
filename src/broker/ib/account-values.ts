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

/** Cash per currency, exchange rates and net liquidation value of one account. */
export async function readAccountValues(conn: IbConnection, account: string): Promise<AccountValues> {
  const reqId = conn.allocateRequestId();
  const rows = await conn.request<SummaryRow[]>({
    what: `the account summary of ${account}`,
    reqId,
    send: (api) => api.reqAccountSummary(reqId, "All", TAGS),
    listen: (done) => {
      const found: SummaryRow[] = [];
      const onRow = (id: number, acct: string, tag: string, value: string, currency: string) => {
        if (id === reqId && acct === account) found.push({ tag, value, currency });
      };
      const onEnd = (id: number) => {
        if (id === reqId) done(found);
      };
      conn.api.on(EventName.accountSummary, onRow);
      conn.api.on(EventName.accountSummaryEnd, onEnd);
      return () => {
        conn.api.off(EventName.accountSummary, onRow);
        conn.api.off(EventName.accountSummaryEnd, onEnd);
      };
    },
  });
  // The subscription stays open at IB until cancelled; a failed cancel changes nothing we read.
  await conn.send((api) => api.cancelAccountSummary(reqId)).catch(() => undefined);
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
