// Account summary and positions.
import type { SimContract } from "../state/sim-state.js";
import { num, str } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";

export function accountSummary(
  reqId: number,
  account: string,
  tag: string,
  value: string,
  currency: string,
): string[] {
  return [String(OUT.ACCOUNT_SUMMARY), "1", String(reqId), account, tag, value, currency];
}

export function accountSummaryEnd(reqId: number): string[] {
  return [String(OUT.ACCOUNT_SUMMARY_END), "1", String(reqId)];
}

/** POSITION version 3: the contract, then the position and its average cost. */
export function position(
  account: string,
  contract: SimContract,
  quantity: number,
  avgCost: number,
): string[] {
  return [
    String(OUT.POSITION),
    "3",
    account,
    ...positionContractFields(contract),
    num(quantity),
    num(avgCost),
  ];
}

export function positionEnd(): string[] {
  return [String(OUT.POSITION_END), "1"];
}

/** The contract as POSITION and POSITION_MULTI write it: a stock has no expiry, strike, right or multiplier. */
export function positionContractFields(contract: SimContract): string[] {
  return [
    String(contract.conId),
    contract.symbol,
    contract.secType,
    "", // lastTradeDateOrContractMonth
    "0.0", // strike
    "", // right
    "", // multiplier
    contract.exchange,
    contract.currency,
    str(contract.localSymbol),
    str(contract.tradingClass),
  ];
}
