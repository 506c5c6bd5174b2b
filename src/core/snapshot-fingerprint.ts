import type { PlanPrice, PlanSnapshot } from "./plan.js";
import type { Snapshot } from "./snapshot.js";

/** The part of a snapshot a plan depends on, in a stable order, for apply to compare with a fresh one. */
export function snapshotFingerprint(snapshot: Snapshot, prices: PlanPrice[]): PlanSnapshot {
  return {
    asOf: snapshot.asOf,
    netLiquidation: snapshot.netLiquidation,
    exchangeRates: { ...snapshot.exchangeRates },
    cash: { ...snapshot.cash },
    positions: snapshot.positions
      .filter((p) => p.quantity !== 0)
      .map((p) => ({ conId: p.conId, symbol: p.symbol, currency: p.currency, quantity: p.quantity }))
      .sort((a, b) => a.conId - b.conId),
    prices,
    openOrders: snapshot.openOrders
      .map((o) => ({
        permId: o.permId,
        conId: o.conId,
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        filled: o.filled,
        orderRef: o.orderRef,
      }))
      .sort((a, b) => a.permId - b.permId || a.conId - b.conId),
  };
}
