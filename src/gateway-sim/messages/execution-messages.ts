// Executions and their commission reports.
import type { SimExecution } from "../engine/sim-order.js";
import { num, numOrUnset } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { MESSAGE_VERSION, MIN_SERVER_VER } from "../wire/server-versions.js";
import { quantity } from "./order-messages.js";
import { formatIbTime } from "./system-messages.js";

/**
 * EXECUTION_DATA at the agreed server version, as IB's EDecoder.processExecutionDataMsg reads it (32
 * fields at 193): a version field (10) below LAST_LIQUIDITY. reqId is -1 for a live fill.
 */
export function executionData(v: number, reqId: number, e: SimExecution): string[] {
  const c = e.contract;
  const f = [String(OUT.EXECUTION_DATA)];
  if (v < MIN_SERVER_VER.LAST_LIQUIDITY) f.push(String(MESSAGE_VERSION.EXECUTION_DATA));
  f.push(
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
    quantity(v, e.shares),
    num(e.price),
    String(e.permId),
    String(e.clientId),
    "0", // liquidation
    quantity(v, e.cumQty),
    num(e.avgPrice),
    e.orderRef,
    "", // evRule
    "", // evMultiplier
  );
  if (v >= MIN_SERVER_VER.MODELS_SUPPORT) f.push(""); // modelCode
  if (v >= MIN_SERVER_VER.LAST_LIQUIDITY) f.push("2"); // lastLiquidity: removed liquidity (took the touch)
  if (v >= MIN_SERVER_VER.PENDING_PRICE_REVISION) f.push("0"); // pendingPriceRevision
  return f;
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
