import type { PlanPrice, PlanSnapshot } from "./plan.js";
import type { Snapshot } from "./snapshot.js";

/**
 * The part of a snapshot a plan depends on, in a stable order, for apply to compare with a fresh one.
 * Keys are in sorted order: the plan is hashed in canonical form, and sorted objects need no copy.
 */
export function snapshotFingerprint(snapshot: Snapshot, prices: PlanPrice[]): PlanSnapshot {
  return {
    asOf: snapshot.asOf,
    cash: sortedRecord(snapshot.cash),
    exchangeRates: sortedRecord(snapshot.exchangeRates),
    netLiquidation: snapshot.netLiquidation,
    openOrders: snapshot.openOrders
      .map((o) => ({
        conId: o.conId,
        filled: o.filled,
        orderRef: o.orderRef,
        permId: o.permId,
        quantity: o.quantity,
        side: o.side,
        symbol: o.symbol,
      }))
      .sort((a, b) => a.permId - b.permId || a.conId - b.conId),
    positions: snapshot.positions
      .filter((p) => p.quantity !== 0)
      .map((p) => ({ conId: p.conId, currency: p.currency, quantity: p.quantity, symbol: p.symbol }))
      .sort((a, b) => a.conId - b.conId),
    prices,
  };
}

export function sortedRecord(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as number;
  return out;
}
