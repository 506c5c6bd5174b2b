// Market data: ticks, the data type notice, the snapshot end.
import { num } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";

/** Tick types @stoqey/ib knows (api/market/tickType). */
export const TICK = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  VOLUME: 8,
  CLOSE: 9,
  DELAYED_BID: 66,
  DELAYED_ASK: 67,
  DELAYED_LAST: 68,
  DELAYED_BID_SIZE: 69,
  DELAYED_ASK_SIZE: 70,
  DELAYED_LAST_SIZE: 71,
  DELAYED_VOLUME: 74,
  DELAYED_CLOSE: 75,
} as const;

/** TICK_PRICE version 6: price, size (the client also emits tickSize for bid/ask/last), attribute mask. */
export function tickPrice(
  reqId: number,
  tickType: number,
  price: number,
  size: number | undefined,
  attrMask = 0,
): string[] {
  return [
    String(OUT.TICK_PRICE),
    "6",
    String(reqId),
    String(tickType),
    num(price),
    num(size),
    String(attrMask),
  ];
}

export function tickSize(reqId: number, tickType: number, size: number): string[] {
  return [String(OUT.TICK_SIZE), "6", String(reqId), String(tickType), num(size)];
}

export function marketDataType(reqId: number, type: number): string[] {
  return [String(OUT.MARKET_DATA_TYPE), "1", String(reqId), String(type)];
}

export function tickSnapshotEnd(reqId: number): string[] {
  return [String(OUT.TICK_SNAPSHOT_END), "1", String(reqId)];
}
