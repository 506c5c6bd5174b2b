// Executions and their commission reports.
import type { SimExecution } from "../engine/sim-order.js";
import { num, numOrUnset } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { formatIbTime } from "./system-messages.js";

/** EXECUTION_DATA at server version 193: 32 fields. reqId is -1 for a live fill. */
export function executionData(reqId: number, e: SimExecution): string[] {
  const c = e.contract;
  return [
    String(OUT.EXECUTION_DATA),
    String(reqId),
    String(e.orderId),
    String(c.conId),
    c.symbol,
    c.secType,
    "", // lastTradeDateOrContractMonth
    "0", // strike
    "", // right
    "", // multiplier
    e.exchange,
    c.currency,
    c.localSymbol,
    c.tradingClass,
    e.execId,
    formatIbTime(e.time),
    e.account,
    e.exchange,
    e.side,
    num(e.shares),
    num(e.price),
    String(e.permId),
    String(e.clientId),
    "0", // liquidation
    num(e.cumQty),
    num(e.avgPrice),
    e.orderRef,
    "", // evRule
    "", // evMultiplier
    "", // modelCode
    "2", // lastLiquidity: removed liquidity (took the touch)
    "0", // pendingPriceRevision
  ];
}

export function executionDataEnd(reqId: number): string[] {
  return [String(OUT.EXECUTION_DATA_END), "1", String(reqId)];
}

/** COMMISSION_REPORT; realised P&L is "unset" (Double.MAX_VALUE) for opening trades, as at IB. */
export function commissionReport(e: SimExecution): string[] {
  return [
    String(OUT.COMMISSION_REPORT),
    "1",
    e.execId,
    num(e.commission),
    e.commissionCurrency,
    numOrUnset(e.realizedPnl),
    numOrUnset(undefined), // yield
    "", // yieldRedemptionDate
  ];
}
