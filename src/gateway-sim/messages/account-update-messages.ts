// reqAccountUpdates (account values, portfolio rows, update time, download end), reqAccountUpdatesMulti
// and reqPositionsMulti: the messages and their versions as IB Gateway writes them.
import type { AccountRow } from "../engine/account-rows.js";
import type { PositionPnl } from "../engine/pnl.js";
import type { SimContract } from "../state/sim-state.js";
import { num, str } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { positionContractFields } from "./account-messages.js";

/** ACCT_VALUE version 2: key, value, currency, account. */
export function accountValue(account: string, row: AccountRow): string[] {
  return [String(OUT.ACCT_VALUE), "2", row.tag, row.value, row.currency, account];
}

/** PORTFOLIO_VALUE version 8: the contract (with primaryExch, no exchange), then the position's figures. */
export function portfolioValue(account: string, contract: SimContract, p: PositionPnl): string[] {
  return [
    String(OUT.PORTFOLIO_VALUE),
    "8",
    String(contract.conId),
    contract.symbol,
    contract.secType,
    "", // lastTradeDateOrContractMonth
    "0.0", // strike
    "", // right
    "", // multiplier
    str(contract.primaryExchange),
    contract.currency,
    str(contract.localSymbol),
    str(contract.tradingClass),
    num(p.position),
    num(p.marketPrice),
    num(p.marketValue),
    num(p.avgCost),
    num(p.unrealizedPnl),
    num(p.realizedPnl ?? 0),
    account,
  ];
}

/** ACCT_UPDATE_TIME version 1: `HH:MM`, the time the values were taken. */
export function accountUpdateTime(epochMs: number): string[] {
  return [String(OUT.ACCT_UPDATE_TIME), "1", new Date(epochMs).toISOString().slice(11, 16)];
}

export function accountDownloadEnd(account: string): string[] {
  return [String(OUT.ACCT_DOWNLOAD_END), "1", account];
}

/** ACCOUNT_UPDATE_MULTI version 1. */
export function accountUpdateMulti(
  reqId: number,
  account: string,
  modelCode: string,
  row: AccountRow,
): string[] {
  return [
    String(OUT.ACCOUNT_UPDATE_MULTI),
    "1",
    String(reqId),
    account,
    modelCode,
    row.tag,
    row.value,
    row.currency,
  ];
}

export function accountUpdateMultiEnd(reqId: number): string[] {
  return [String(OUT.ACCOUNT_UPDATE_MULTI_END), "1", String(reqId)];
}

/** POSITION_MULTI version 1: like POSITION with the request id first and the model code last. */
export function positionMulti(
  reqId: number,
  account: string,
  contract: SimContract,
  quantity: number,
  avgCost: number,
  modelCode: string,
): string[] {
  return [
    String(OUT.POSITION_MULTI),
    "1",
    String(reqId),
    account,
    ...positionContractFields(contract),
    num(quantity),
    num(avgCost),
    modelCode,
  ];
}

export function positionMultiEnd(reqId: number): string[] {
  return [String(OUT.POSITION_MULTI_END), "1", String(reqId)];
}
