import type {
  Snapshot,
  SnapshotContract,
  SnapshotOpenOrder,
  SnapshotPosition,
  SnapshotQuote,
} from "./snapshot.js";

/**
 * The snapshot as a plan embeds it: lists in conId (open orders: permId) order, every object's keys in
 * sorted order and no undefined values. Planning reads the snapshot through this, so a plan recomputed
 * from its own embedded snapshot is byte-identical, and the plan (hashed in canonical form) needs no
 * copy to be hashed. Idempotent.
 */
export function normalizeSnapshot(snapshot: Snapshot): Snapshot {
  return {
    account: snapshot.account,
    asOf: snapshot.asOf,
    baseCurrency: snapshot.baseCurrency,
    cash: sortedRecord(snapshot.cash),
    contracts: snapshot.contracts.map(contract).sort(byConId),
    exchangeRates: sortedRecord(snapshot.exchangeRates),
    netLiquidation: snapshot.netLiquidation,
    openOrders: snapshot.openOrders
      .map(openOrder)
      .sort((a, b) => a.permId - b.permId || a.orderId - b.orderId || a.conId - b.conId),
    positions: snapshot.positions.map(position).sort(byConId),
    quotes: snapshot.quotes.map(quote).sort(byConId),
  };
}

/** A copy with its keys in sorted order; defined as properties, so even a "__proto__" key stays data. */
export function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key] as number]),
  );
}

const byConId = (a: { conId: number }, b: { conId: number }): number => a.conId - b.conId;

/** `{ key: value }` when the value is defined, else nothing: spread where an optional key belongs. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function position(p: SnapshotPosition): SnapshotPosition {
  return { avgCost: p.avgCost, conId: p.conId, currency: p.currency, quantity: p.quantity, symbol: p.symbol };
}

function quote(q: SnapshotQuote): SnapshotQuote {
  return {
    ...optional("ask", q.ask),
    ...optional("bid", q.bid),
    ...optional("close", q.close),
    conId: q.conId,
    delayed: q.delayed,
    ...optional("last", q.last),
    time: q.time,
  };
}

function contract(c: SnapshotContract): SnapshotContract {
  return {
    conId: c.conId,
    currency: c.currency,
    exchange: c.exchange,
    ...optional("liquidHours", c.liquidHours),
    ...optional("longName", c.longName),
    minTick: c.minTick,
    ...optional("primaryExchange", c.primaryExchange),
    secType: c.secType,
    sizeIncrement: c.sizeIncrement,
    symbol: c.symbol,
    ...optional("timeZoneId", c.timeZoneId),
  };
}

function openOrder(o: SnapshotOpenOrder): SnapshotOpenOrder {
  return {
    conId: o.conId,
    filled: o.filled,
    ...optional("limitPrice", o.limitPrice),
    orderId: o.orderId,
    orderRef: o.orderRef,
    orderType: o.orderType,
    permId: o.permId,
    quantity: o.quantity,
    side: o.side,
    status: o.status,
    symbol: o.symbol,
  };
}
