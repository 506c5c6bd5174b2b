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

// Quotes and contracts (10,000 each at 10,000 targets) are built key by key in sorted order rather
// than by spreading optional(): each spread allocates an object only to copy it.
function quote(q: SnapshotQuote): SnapshotQuote {
  const out: Partial<SnapshotQuote> = {};
  if (q.ask !== undefined) out.ask = q.ask;
  if (q.bid !== undefined) out.bid = q.bid;
  if (q.close !== undefined) out.close = q.close;
  out.conId = q.conId;
  out.delayed = q.delayed;
  if (q.last !== undefined) out.last = q.last;
  out.time = q.time;
  return out as SnapshotQuote;
}

function contract(c: SnapshotContract): SnapshotContract {
  const out: Partial<SnapshotContract> = { conId: c.conId, currency: c.currency, exchange: c.exchange };
  if (c.liquidHours !== undefined) out.liquidHours = c.liquidHours;
  if (c.longName !== undefined) out.longName = c.longName;
  out.minTick = c.minTick;
  if (c.primaryExchange !== undefined) out.primaryExchange = c.primaryExchange;
  out.secType = c.secType;
  out.sizeIncrement = c.sizeIncrement;
  out.symbol = c.symbol;
  if (c.timeZoneId !== undefined) out.timeZoneId = c.timeZoneId;
  return out as SnapshotContract;
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
