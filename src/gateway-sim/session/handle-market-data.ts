// Market data: the data type the account may see, snapshots and streaming lines, and their errors
// (354 no permission, 10167 delayed instead, 101 too many lines, 102 duplicate id, 300 unknown id).
import { findContracts } from "../engine/find-contracts.js";
import {
  marketDataType,
  TICK,
  tickPrice,
  tickSize,
  tickSnapshotEnd,
} from "../messages/market-data-messages.js";
import type { MarketDataPermission, SimQuote } from "../state/sim-state.js";
import type { WireContract } from "../wire/parse-place-order.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

export const MARKET_DATA_TYPE = { live: 1, frozen: 2, delayed: 3, delayedFrozen: 4 } as const;

const NOT_SUBSCRIBED =
  "Requested market data is not subscribed. Check API status by selecting the Account menu then under " +
  "Management choose Market Data Subscription Manager and/or check your subscriptions.";
const DELAYED_INSTEAD = "Requested market data is not subscribed. Displaying delayed market data.";

/** What the gateway serves for a requested type under a permission; undefined means error 354. */
export function servedType(permission: MarketDataPermission, requested: number): number | undefined {
  const wantsFrozen = requested === MARKET_DATA_TYPE.frozen || requested === MARKET_DATA_TYPE.delayedFrozen;
  if (permission === "live") return wantsFrozen ? MARKET_DATA_TYPE.frozen : MARKET_DATA_TYPE.live;
  if (permission === "delayed") {
    if (requested === MARKET_DATA_TYPE.delayed) return MARKET_DATA_TYPE.delayed;
    if (requested === MARKET_DATA_TYPE.delayedFrozen) return MARKET_DATA_TYPE.delayedFrozen;
  }
  return undefined;
}

export function handleMarketDataType(session: ClientSession, type: number): void {
  session.marketDataType = type;
}

export function handleMarketData(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  wanted: WireContract,
  snapshot: boolean,
): void {
  if (session.marketLines.has(reqId)) return session.sendError(reqId, 102, "Duplicate ticker id");
  if (session.marketLines.size >= ctx.limits.marketDataLines) {
    return session.sendError(reqId, 101, "Max number of tickers has been reached");
  }
  const matches = findContracts(ctx.world, wanted);
  const contract = matches.length === 1 ? matches[0] : undefined;
  if (contract === undefined) {
    return session.sendError(reqId, 200, "No security definition has been found for the request");
  }
  const type = servedType(ctx.world.marketData, session.marketDataType);
  if (type === undefined) return session.sendError(reqId, 354, NOT_SUBSCRIBED);
  if (type === MARKET_DATA_TYPE.delayed || type === MARKET_DATA_TYPE.delayedFrozen) {
    session.sendError(reqId, 10167, DELAYED_INSTEAD);
  }
  session.send(marketDataType(reqId, type));
  sendTicks(session, reqId, type, ctx.world.quotes.get(contract.conId));
  if (snapshot) session.send(tickSnapshotEnd(reqId));
  else session.marketLines.set(reqId, { conId: contract.conId, type });
}

export function handleCancelMarketData(session: ClientSession, reqId: number): void {
  if (!session.marketLines.delete(reqId))
    session.sendError(reqId, 300, `Can't find EId with tickerId:${reqId}`);
}

/** The ticks of one quote: bid, ask, last (with their sizes), close and volume; delayed ids for 3 and 4. */
export function sendTicks(
  session: ClientSession,
  reqId: number,
  type: number,
  quote: SimQuote | undefined,
): void {
  if (quote === undefined) return;
  const delayed = type === MARKET_DATA_TYPE.delayed || type === MARKET_DATA_TYPE.delayedFrozen;
  const ids = delayed
    ? {
        bid: TICK.DELAYED_BID,
        ask: TICK.DELAYED_ASK,
        last: TICK.DELAYED_LAST,
        close: TICK.DELAYED_CLOSE,
        volume: TICK.DELAYED_VOLUME,
      }
    : { bid: TICK.BID, ask: TICK.ASK, last: TICK.LAST, close: TICK.CLOSE, volume: TICK.VOLUME };
  // Bit 0 of the attribute mask is canAutoExecute, set on live bid and ask.
  const auto = delayed ? 0 : 1;
  if (quote.bid !== undefined) {
    session.send(tickPrice(reqId, ids.bid, quote.bid, quote.bidSize ?? 100, auto));
    // @stoqey/ib does not derive a tickSize from a BID tickPrice (BID_SIZE is 0, which it treats as
    // "none"), so the bid size also goes out on its own, as IB Gateway sends sizes too.
    if (!delayed) session.send(tickSize(reqId, TICK.BID_SIZE, quote.bidSize ?? 100));
  }
  if (quote.ask !== undefined) session.send(tickPrice(reqId, ids.ask, quote.ask, quote.askSize ?? 100, auto));
  if (quote.last !== undefined) session.send(tickPrice(reqId, ids.last, quote.last, quote.lastSize ?? 100));
  if (quote.close !== undefined) session.send(tickPrice(reqId, ids.close, quote.close, 0));
  if (quote.volume !== undefined) session.send(tickSize(reqId, ids.volume, quote.volume));
}
